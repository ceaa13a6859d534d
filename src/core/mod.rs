//! The pure core: typed properties and their validation, the update plan, ids, deadlines and the response
//! document. Nothing here does I/O, reads the clock or awaits; the layers above pass time and data in.
//! No module here imports from `app` or `adapters` (tests/architecture.rs checks).

pub mod arn;
pub mod backoff;
pub mod connect_error;
pub mod deadline;
pub mod decision;
pub mod event;
pub mod failure;
pub mod identity;
pub mod mode;
pub mod model;
pub mod names;
pub mod owner;
pub mod pace;
pub mod password_secret;
pub mod physical_id;
pub mod placement;
pub mod plan;
pub mod problem;
pub mod props;
pub mod response;
pub mod response_url;
pub(crate) mod scalar;
pub mod secret;
pub(crate) mod shape;
