//! The pure core: typed properties and their validation, the update plan, the response document.
//! Nothing here does I/O or reads the clock; the edges pass time and data in.

pub mod arn;
pub mod deadline;
pub mod event;
pub mod model;
pub mod owner;
pub mod plan;
pub mod props;
pub mod response;
pub mod response_url;
pub mod secret;
