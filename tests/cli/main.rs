//! Integration tests: the real binary.
