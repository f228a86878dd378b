//! Publishing a site beyond its pages: the Atom [`feed`], [`robots`]`.txt`, fingerprinted theme
//! files ([`assets`]), descriptions for link previews ([`excerpt`]), the dates they all read
//! ([`dates`]), and the GitHub Pages workflow `init` writes ([`workflow`]).

pub mod assets;
pub mod dates;
pub mod excerpt;
pub mod feed;
pub mod robots;
pub mod workflow;
