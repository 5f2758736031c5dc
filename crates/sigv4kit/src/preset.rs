//! (being written: issue 7)
