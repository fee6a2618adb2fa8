//! The commands, one module each (`cargo xtask COMMAND`), and what they share: running
//! programs ([`process`]), what the machine must have ([`setup`]) and the platforms the
//! artefacts are built for ([`targets`]). The generator they call is the library's
//! (`xtask::codegen`).

pub mod bench;
pub mod check;
pub mod codegen;
pub mod dist;
pub mod fuzz;
pub mod import_doc;
pub mod lint;
pub mod process;
pub mod setup;
pub mod targets;
pub mod test;
