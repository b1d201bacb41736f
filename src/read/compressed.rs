//! Compressed input, decompressed as a stream: gzip (every member of a multi-member file) and
//! zstd (every frame), so a compressed list is read like the plain one, from a file or a pipe.

use std::io::{self, BufRead, BufReader, Read};

use ruzstd::decoding::StreamingDecoder;

/// The decompressed bytes of a gzip stream.
#[must_use]
pub fn gunzip(inner: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
    Box::new(flate2::read::MultiGzDecoder::new(inner))
}

/// The decompressed bytes of a zstd stream.
///
/// # Errors
/// When the first frame's header cannot be read.
pub fn unzstd(inner: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    Ok(Box::new(ZstdFrames::new(BufReader::new(inner))?))
}

type Source = BufReader<Box<dyn Read + Send>>;

/// Decodes zstd frames one after the other until the input ends.
struct ZstdFrames {
    frame: Option<StreamingDecoder<Source, ruzstd::decoding::FrameDecoder>>,
}

impl ZstdFrames {
    fn new(src: Source) -> io::Result<ZstdFrames> {
        Ok(ZstdFrames {
            frame: Some(StreamingDecoder::new(src).map_err(invalid)?),
        })
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}"))
}

impl Read for ZstdFrames {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(frame) = self.frame.as_mut() else {
                return Ok(0);
            };
            let n = frame.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The frame has ended: another may follow.
            let Some(frame) = self.frame.take() else {
                return Ok(0);
            };
            let mut src = frame.into_inner();
            if src.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.frame = Some(StreamingDecoder::new(src).map_err(invalid)?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn every_gzip_member_is_read() {
        let mut bytes = Vec::new();
        for part in ["medication\n", "quinine\n"] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(part.as_bytes()).unwrap();
            bytes.extend(gz.finish().unwrap());
        }
        let mut out = String::new();
        gunzip(Box::new(io::Cursor::new(bytes)))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "medication\nquinine\n");
    }

    #[test]
    fn every_zstd_frame_is_read() {
        let mut bytes = Vec::new();
        for part in ["medication\n", "quinine\n"] {
            bytes.extend(ruzstd::encoding::compress_to_vec(
                part.as_bytes(),
                ruzstd::encoding::CompressionLevel::Fastest,
            ));
        }
        let mut out = String::new();
        unzstd(Box::new(io::Cursor::new(bytes)))
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "medication\nquinine\n");
    }

    #[test]
    fn damaged_zstd_is_an_error_not_a_panic() {
        let mut bytes = ruzstd::encoding::compress_to_vec(
            "medication\nquinine\n".repeat(50).as_bytes(),
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        let n = bytes.len();
        bytes.truncate(n / 2);
        let mut out = Vec::new();
        let read =
            unzstd(Box::new(io::Cursor::new(bytes))).and_then(|mut r| r.read_to_end(&mut out));
        assert!(read.is_err());
    }
}
