//! Where canonical bytes go.
//!
//! The signing hot path never builds the canonical request as a `String`: every
//! piece is written straight into SHA-256. The same writer produces the text
//! form when someone asks for it (debugging, error messages, the CLI) by
//! writing into a `Vec<u8>` instead, or into both at once with [`Tee`]. One
//! writer for both means the text a user sees is exactly what was hashed.

use sha2::{Digest, Sha256};

/// A destination for canonical bytes.
pub trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Appends `bytes` with ASCII letters lower-cased, as header names are
    /// written. A sink with a buffer overrides this to lower-case in place.
    fn put_lowercase(&mut self, bytes: &[u8]) {
        let mut buffer = [0u8; 64];
        for chunk in bytes.chunks(buffer.len()) {
            let lowered = &mut buffer[..chunk.len()];
            lowered.copy_from_slice(chunk);
            lowered.make_ascii_lowercase();
            self.put(lowered);
        }
    }
}

impl Sink for Sha256 {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Appends bytes to a `String`: they are ASCII by construction (percent-encoded
/// text, validated header names, hex), and anything that is not valid UTF-8
/// becomes U+FFFD rather than corrupt text.
#[derive(Debug)]
pub struct AsciiSink<'a>(pub &'a mut String);

impl Sink for AsciiSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.0.push_str(text),
            Err(_) => self.0.push_str(&String::from_utf8_lossy(bytes)),
        }
    }
}

/// Gathers small writes into a stack buffer before passing them on.
///
/// The canonical request arrives as dozens of small pieces; handing each to
/// SHA-256 separately costs more in per-call bookkeeping than in hashing.
/// This buffer passes them on in chunks of up to `N` bytes (a whole
/// get-vanilla canonical request in one), and large pieces straight through.
/// Call [`finish`](Self::finish) to flush and get the inner sink back.
#[derive(Debug)]
pub struct Buffered<S, const N: usize = 512> {
    inner: S,
    buffer: [u8; N],
    len: usize,
}

impl<S: Sink, const N: usize> Buffered<S, N> {
    /// Buffers writes to `inner`.
    #[inline]
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            buffer: [0; N],
            len: 0,
        }
    }

    /// Flushes the buffer and returns the inner sink.
    #[inline]
    pub fn finish(mut self) -> S {
        self.flush();
        self.inner
    }

    #[inline]
    fn flush(&mut self) {
        if self.len > 0 {
            self.inner.put(&self.buffer[..self.len]);
            self.len = 0;
        }
    }
}

/// Copies `from` into `to`, of the same length: a piece of up to 16 bytes
/// with fixed-size moves (two that may overlap), anything longer with
/// `copy_from_slice`. Most pieces of a canonical request are a few bytes,
/// for which a call to `memcpy` costs more than the copy.
#[inline(always)]
fn copy_piece(to: &mut [u8], from: &[u8]) {
    fn pair<const K: usize>(to: &mut [u8], from: &[u8]) {
        if let (Some(head), Some(first)) = (to.first_chunk_mut::<K>(), from.first_chunk::<K>()) {
            *head = *first;
        }
        if let (Some(tail), Some(last)) = (to.last_chunk_mut::<K>(), from.last_chunk::<K>()) {
            *tail = *last;
        }
    }
    match from.len() {
        0 => {}
        1..4 => {
            for (slot, &byte) in to.iter_mut().zip(from) {
                *slot = byte;
            }
        }
        4..8 => pair::<4>(to, from),
        8..=16 => pair::<8>(to, from),
        _ => to.copy_from_slice(from),
    }
}

impl<S: Sink, const N: usize> Sink for Buffered<S, N> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if let Some(room) = self.buffer.get_mut(self.len..self.len + bytes.len()) {
            copy_piece(room, bytes);
            self.len += bytes.len();
            return;
        }
        self.flush();
        if bytes.len() >= N {
            self.inner.put(bytes);
        } else {
            self.buffer[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    #[inline]
    fn put_lowercase(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > N {
            self.flush();
        }
        for chunk in bytes.chunks(N) {
            if self.len + chunk.len() > N {
                self.flush();
            }
            let room = &mut self.buffer[self.len..self.len + chunk.len()];
            room.copy_from_slice(chunk);
            room.make_ascii_lowercase();
            self.len += chunk.len();
        }
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        (**self).put(bytes);
    }

    #[inline]
    fn put_lowercase(&mut self, bytes: &[u8]) {
        (**self).put_lowercase(bytes);
    }
}

/// Writes the same bytes into two sinks, e.g. SHA-256 and a debug copy.
#[derive(Debug)]
pub struct Tee<A, B>(pub A, pub B);

impl<A: Sink, B: Sink> Sink for Tee<A, B> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.put(bytes);
        self.1.put(bytes);
    }

    #[inline]
    fn put_lowercase(&mut self, bytes: &[u8]) {
        self.0.put_lowercase(bytes);
        self.1.put_lowercase(bytes);
    }
}

/// Writes into the first sink and, when present, also into the second.
///
/// Lets one code path serve signing with and without a debug copy.
#[derive(Debug)]
pub struct MaybeTee<'a, A>(pub A, pub Option<&'a mut Vec<u8>>);

impl<A: Sink> Sink for MaybeTee<'_, A> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.put(bytes);
        if let Some(copy) = self.1.as_deref_mut() {
            copy.extend_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffering_passes_every_byte_on_in_order() {
        let pieces: Vec<Vec<u8>> = (0..200u32)
            .map(|i| vec![i as u8; (i as usize * 7) % 41])
            .collect();
        let mut direct = Vec::new();
        let mut buffered: Buffered<Vec<u8>, 64> = Buffered::new(Vec::new());
        for piece in &pieces {
            direct.put(piece);
            buffered.put(piece);
        }
        buffered.put(&[9; 500]);
        direct.put(&[9; 500]);
        buffered.put_lowercase(b"X-Amz-Date");
        direct.put(b"x-amz-date");
        buffered.put_lowercase(&[b'A'; 150]);
        direct.put(&[b'a'; 150]);
        assert_eq!(buffered.finish(), direct);
    }

    #[test]
    fn pieces_of_every_length_are_copied_byte_for_byte() {
        for length in 0..40 {
            let piece: Vec<u8> = (1..=length as u8).collect();
            let mut to = vec![0u8; length];
            copy_piece(&mut to, &piece);
            assert_eq!(to, piece, "length {length}");
            let mut buffered: Buffered<Vec<u8>, 64> = Buffered::new(Vec::new());
            buffered.put(b"<");
            buffered.put(&piece);
            buffered.put(b">");
            assert_eq!(buffered.finish(), [b"<", &piece[..], b">"].concat());
        }
    }

    #[test]
    fn ascii_sink_never_corrupts_text() {
        let mut text = String::new();
        AsciiSink(&mut text).put(b"host;x-amz-date\xff");
        AsciiSink(&mut text).put_lowercase(b";X-Amz-Target");
        assert_eq!(text, "host;x-amz-date\u{FFFD};x-amz-target");
    }
}
