//! The integration tests, compiled into one binary. Each module proves one area through the real
//! code paths: the handler over real HTTP against the Connect emulator and the response receiver,
//! and the release binary under the fake Lambda Runtime API.

mod architecture;
mod binary;
mod connect_client;
mod economy;
mod ecosystem;
mod faults;
mod fuzz;
mod left_behind;
mod lifecycle;
mod load;
mod names;
mod ownership;
mod plan_emulator;
mod protocol;
mod put;
mod readme;
mod real_connect;
mod reconcile;
mod response_url;
mod secrets;
mod support;
mod take_over;
mod traffic;
