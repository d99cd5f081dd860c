//! The model file: gzip of `ARNER004`, the settings block (u32 length, then
//! [`Settings`]' `key=value` lines), then the perceptron's feature count,
//! scale, the temperature and O bias, transitions and start scores (f32),
//! feature keys in key order, then each label's i16 weights (column-major
//! compresses better), the train gazetteer, and optionally `CNET` with the
//! character network's weight and the network. The context encoder is a
//! file of its own (`models/ner-encoder.bin.gz`).
//!
//! `ARNER003`, the format before the settings block, is read only to
//! rewrite a model in this one (`Model::from_legacy_bytes`, with the
//! `train` feature: `train-ner --upgrade`).

// Dense numeric kernels over the 9 labels read best with index loops.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use super::model::Model;
use super::perceptron::Perceptron;
use super::settings::Settings;
use crate::entities::binio::{Reader, invalid, put_f32s};
use crate::entities::charnet::CharNet;
use crate::entities::labels::L;
use crate::error::ModelError;

const MAGIC: &[u8; 8] = b"ARNER004";
/// The format before the settings block.
const LEGACY: &[u8; 8] = b"ARNER003";
/// Tag of the optional trailing section holding the character network.
const NET_TAG: &[u8; 4] = b"CNET";

impl Model {
    /// Serializes the model, gzip'd; a compression failure is an error, never
    /// an empty file. The context encoder is not written (it has its own
    /// file).
    pub fn to_bytes(&self) -> Result<Vec<u8>, std::io::Error> {
        let no_perceptron = || std::io::Error::other("a model file needs a perceptron");
        let p = self.perceptron().ok_or_else(no_perceptron)?;
        let mut raw = Vec::new();
        raw.extend_from_slice(MAGIC);
        let text = self.settings.to_text();
        raw.extend_from_slice(&(text.len() as u32).to_le_bytes());
        raw.extend_from_slice(text.as_bytes());
        raw.extend_from_slice(&(p.num_features() as u32).to_le_bytes());
        put_f32s(&mut raw, &[p.scale, self.temperature, self.o_bias()]);
        for row in &self.trans {
            put_f32s(&mut raw, row);
        }
        put_f32s(&mut raw, &self.start);
        // Rows in key order, so the file is deterministic; column-major
        // (keys, then each label's weights) compresses better.
        let rows = p.sorted_rows();
        for (k, _) in &rows {
            raw.extend_from_slice(&k.to_le_bytes());
        }
        for l in 0..L {
            for (_, w) in &rows {
                raw.extend_from_slice(&w[l].to_le_bytes());
            }
        }
        let mut gaz: Vec<(&String, &u8)> = p.gazetteer().iter().collect();
        gaz.sort();
        raw.extend_from_slice(&(gaz.len() as u32).to_le_bytes());
        for (p, v) in gaz {
            raw.extend_from_slice(&(p.len() as u16).to_le_bytes());
            raw.extend_from_slice(p.as_bytes());
            raw.push(*v);
        }
        if let Some(n) = self.charnet() {
            raw.extend_from_slice(NET_TAG);
            raw.extend_from_slice(&n.weight.to_le_bytes());
            n.net.write(&mut raw);
        }
        crate::gz::compress(&raw)
    }

    /// Reads a model written by [`Model::to_bytes`]; one trained with other
    /// feature templates, clusters or knowledge lists than this build's is
    /// an error.
    pub fn from_bytes(name: &str, gz: &[u8]) -> Result<Model, ModelError> {
        let bad = invalid(name);
        let raw = crate::gz::decompress(name, gz)?;
        let mut r = Reader::at(&raw, 0);
        match r.take(8) {
            Some(m) if m == MAGIC => {}
            Some(m) if m == LEGACY => {
                return Err(bad(
                    "a model of the format before the settings block (ARNER003): rewrite it \
                     with `arabic-text train-ner --upgrade`",
                ));
            }
            _ => return Err(bad("not an arabic-text NER model (magic)")),
        }
        let len = r.u32().ok_or_else(|| bad("truncated"))? as usize;
        let text = r.str(len).ok_or_else(|| bad("truncated settings"))?;
        let settings = Settings::from_text(text).ok_or_else(|| bad("bad settings"))?;
        read_body(name, &raw, r.p, settings)
    }

    /// Reads a model of the format before the settings block (`ARNER003`),
    /// which recorded none: `settings` are those it was trained with, as
    /// its trainer's arguments and provenance say.
    #[cfg(feature = "train")]
    pub fn from_legacy_bytes(
        name: &str,
        gz: &[u8],
        settings: Settings,
    ) -> Result<Model, ModelError> {
        let raw = crate::gz::decompress(name, gz)?;
        if raw.get(..8) != Some(LEGACY.as_slice()) {
            return Err(invalid(name)("not an ARNER003 model"));
        }
        read_body(name, &raw, 8, settings)
    }
}

/// The model in `raw` from offset `at` (after the magic and the settings),
/// trained with `settings`.
fn read_body(name: &str, raw: &[u8], at: usize, settings: Settings) -> Result<Model, ModelError> {
    let bad = invalid(name);
    if let Some(why) = settings.mismatch() {
        return Err(bad(&why));
    }
    let mut r = Reader::at(raw, at);
    let trunc = || bad("truncated");
    let n = r.u32().ok_or_else(trunc)? as usize;
    let scale = r.f32().ok_or_else(trunc)?;
    let temperature = r.f32().ok_or_else(trunc)?;
    let o_bias = r.f32().ok_or_else(trunc)?;
    let mut trans = [[0f32; L]; L];
    for row in &mut trans {
        for x in row.iter_mut() {
            *x = r.f32().ok_or_else(trunc)?;
        }
    }
    let mut start = [0f32; L];
    for x in &mut start {
        *x = r.f32().ok_or_else(trunc)?;
    }
    if n > raw.len() / 8 {
        return Err(trunc());
    }
    let mut rows = Vec::with_capacity(n);
    for _ in 0..n {
        let k = r.u64().ok_or_else(trunc)?;
        if k == 0 {
            return Err(bad("zero feature key"));
        }
        rows.push((k, [0i16; L]));
    }
    for l in 0..L {
        for row in rows.iter_mut() {
            row.1[l] = r.i16().ok_or_else(trunc)?;
        }
    }
    let g = r.u32().ok_or_else(trunc)? as usize;
    let mut gazetteer = Vec::with_capacity(g.min(raw.len() / 4));
    for _ in 0..g {
        let len = r.u16().ok_or_else(trunc)? as usize;
        let p = r.take(len).ok_or_else(trunc)?;
        let p = std::str::from_utf8(p).map_err(|_| bad("gazetteer phrase is not UTF-8"))?;
        let v = r.u8().ok_or_else(trunc)?;
        if !(1..=4).contains(&v) {
            return Err(bad("gazetteer type out of range"));
        }
        gazetteer.push((p.to_string(), v));
    }
    let gazetteer = gazetteer.into_iter().collect();
    let perceptron = Perceptron::from_rows(rows, scale, gazetteer, settings.clusters);
    let mut m = Model::new(perceptron, trans, start, temperature, settings);
    m.set_o_bias(if o_bias.is_finite() { o_bias } else { 0.0 });
    if r.take(4).is_some_and(|t| t == NET_TAG) {
        let w = r.f32().ok_or_else(trunc)?;
        let net = CharNet::read(name, raw, &mut r.p)?;
        m.set_charnet(Arc::new(net), if w.is_finite() { w } else { 0.0 });
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_model() {
        assert!(Model::from_bytes("x", b"not gzip").is_err());
    }

    #[test]
    fn the_embedded_model_survives_its_file_and_other_settings_are_refused() {
        let model = super::super::embedded::embedded_model().expect("embedded model");
        let bytes = model.to_bytes().expect("bytes");
        let again = Model::from_bytes("again", &bytes).expect("read back");
        assert_eq!(again.settings, model.settings);
        assert_eq!(again.to_bytes().expect("bytes"), bytes);
        let mut other = again.clone();
        other.settings.templates ^= 1;
        let err = Model::from_bytes("other", &other.to_bytes().expect("bytes"));
        assert!(err.is_err_and(|e| e.to_string().contains("feature templates")));
    }
}
