//! The model file: gzip of `ARNER003`, the feature count, scale,
//! temperature and O bias, transitions and start scores (f32), feature keys
//! in key order, then each label's i16 weights (column-major compresses
//! better), the train gazetteer, and optionally `CNET` with the character
//! network's weight and the network.

// Dense numeric kernels over the 9 labels read best with index loops.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use super::model::Model;
use crate::entities::charnet::CharNet;
use crate::entities::labels::L;
use crate::error::ModelError;

const MAGIC: &[u8; 8] = b"ARNER003";
/// Tag of the optional trailing section holding the character network.
const NET_TAG: &[u8; 4] = b"CNET";

impl Model {
    /// Serializes the model, gzip'd; a compression failure is an error, never
    /// an empty file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, std::io::Error> {
        let mut raw = Vec::new();
        raw.extend_from_slice(MAGIC);
        raw.extend_from_slice(&(self.num_features() as u32).to_le_bytes());
        raw.extend_from_slice(&self.scale.to_le_bytes());
        raw.extend_from_slice(&self.temperature.to_le_bytes());
        raw.extend_from_slice(&self.o_bias.to_le_bytes());
        for row in &self.trans {
            for x in row {
                raw.extend_from_slice(&x.to_le_bytes());
            }
        }
        for x in &self.start {
            raw.extend_from_slice(&x.to_le_bytes());
        }
        // Rows in key order, so the file is deterministic.
        let mut rows: Vec<(u64, &[i16; L])> = self
            .table
            .iter()
            .filter(|s| s.key != 0)
            .map(|s| (s.key, &s.w))
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        // Column-major (keys, then each label's weights) compresses better.
        for (k, _) in &rows {
            raw.extend_from_slice(&k.to_le_bytes());
        }
        for l in 0..L {
            for (_, w) in &rows {
                raw.extend_from_slice(&w[l].to_le_bytes());
            }
        }
        let mut gaz: Vec<(&String, &u8)> = self.gazetteer.iter().collect();
        gaz.sort();
        raw.extend_from_slice(&(gaz.len() as u32).to_le_bytes());
        for (p, v) in gaz {
            raw.extend_from_slice(&(p.len() as u16).to_le_bytes());
            raw.extend_from_slice(p.as_bytes());
            raw.push(*v);
        }
        if let Some(net) = &self.charnet {
            raw.extend_from_slice(NET_TAG);
            raw.extend_from_slice(&self.net_weight.to_le_bytes());
            net.write(&mut raw);
        }
        crate::gz::compress(&raw)
    }

    /// Reads a model written by [`Model::to_bytes`].
    pub fn from_bytes(name: &str, gz: &[u8]) -> Result<Model, ModelError> {
        let bad = |reason: &str| ModelError::Invalid {
            name: name.to_string(),
            reason: reason.to_string(),
        };
        let raw = crate::gz::decompress(name, gz)?;
        let mut r = Reader { b: &raw, p: 0 };
        if r.take(8).ok_or_else(|| bad("truncated"))? != MAGIC {
            return Err(bad("not an arabic-text NER model (magic)"));
        }
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
            let p = std::str::from_utf8(r.take(len).ok_or_else(trunc)?)
                .map_err(|_| bad("gazetteer phrase is not UTF-8"))?
                .to_string();
            let v = *r.take(1).ok_or_else(trunc)?.first().ok_or_else(trunc)?;
            if !(1..=4).contains(&v) {
                return Err(bad("gazetteer type out of range"));
            }
            gazetteer.push((p, v));
        }
        let mut m = Self::from_rows(
            rows,
            scale,
            trans,
            start,
            temperature,
            gazetteer.into_iter().collect(),
        );
        m.o_bias = if o_bias.is_finite() { o_bias } else { 0.0 };
        if r.take(4).is_some_and(|t| t == NET_TAG) {
            let w = r.f32().ok_or_else(trunc)?;
            m.net_weight = if w.is_finite() { w } else { 0.0 };
            m.charnet = Some(Arc::new(CharNet::read(name, &raw, &mut r.p)?));
        }
        Ok(m)
    }
}

struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.p..self.p.checked_add(n)?)?;
        self.p += n;
        Some(s)
    }
    fn arr<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn u16(&mut self) -> Option<u16> {
        self.arr().map(u16::from_le_bytes)
    }
    fn i16(&mut self) -> Option<i16> {
        self.arr().map(i16::from_le_bytes)
    }
    fn u32(&mut self) -> Option<u32> {
        self.arr().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.arr().map(u64::from_le_bytes)
    }
    fn f32(&mut self) -> Option<f32> {
        self.arr().map(f32::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_model() {
        assert!(Model::from_bytes("x", b"not gzip").is_err());
    }
}
