//! The static LZ4 dictionary: pinned, because it is part of the frame format, and worth
//! its bytes on sessions it was not trained on.

use recorder_core::frame::{self, DICTIONARY, HEADER_LEN};
use recorder_core::testing::{Session, SessionSpec, Vocabulary};

#[test]
fn the_dictionary_is_pinned() {
    // Frames name their dictionary by id (1); changing these bytes would make every frame
    // recorded so far undecodable. Train a new dictionary under a new id instead.
    assert_eq!(DICTIONARY.len(), 16 * 1024);
    assert_eq!(
        crc32fast::hash(DICTIONARY),
        0x41ba_6b9b,
        "src/frame_dictionary.bin changed"
    );
}

#[test]
fn the_dictionary_shrinks_small_frames_of_an_unseen_site() {
    // Trained on the Shop vocabulary; measured on the Wiki one.
    let session = Session::generate(&SessionSpec {
        seed: 0x1234,
        snapshot_nodes: 500,
        seconds: 60,
        vocabulary: Vocabulary::Wiki,
    });
    let (mut with, mut without) = (0, 0);
    for (seq, events) in session.frames.iter().enumerate().skip(1) {
        let bytes = frame::encode(&session.header(seq as u32), events).expect("encodes");
        let raw_len = u32::from_le_bytes([bytes[46], bytes[47], bytes[48], bytes[49]]) as usize;
        let raw = lz4_flex::block::decompress_with_dict(&bytes[HEADER_LEN..], raw_len, DICTIONARY)
            .expect("inflates");
        with += bytes.len() - HEADER_LEN;
        without += lz4_flex::block::compress(&raw).len();
    }
    // Measured: 105 250 B with, 127 587 B without (-17.5%); the session is seeded, so this
    // only moves when the dictionary or the codec does.
    assert!(
        with * 100 < without * 85,
        "with the dictionary {with} B, without {without} B"
    );
}
