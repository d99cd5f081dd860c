//! The trainer of the character-aware network (only with the `train`
//! feature): Adagrad on per-token cross-entropy, deterministic. Apart from
//! the run-time network (`model`), which it builds.

// Dense numeric kernels read best with index loops.
#![allow(clippy::needless_range_loop)]

use super::model::{CharNet, POS, WIN, axpy, dot, pack, token_ids};
use crate::entities::labels::L;
use crate::entities::labels::Sample;
use crate::entities::rng::SplitMix;

/// Network sizes and training settings.
#[derive(Clone, Copy, Debug)]
pub struct NetConfig {
    /// Embedding size.
    pub dim: usize,
    /// Hidden units.
    pub hidden: usize,
    /// log2 of the number of hashed embedding rows.
    pub bits: u32,
    /// Passes over the data.
    pub epochs: usize,
    /// Adagrad learning rate.
    pub lr: f32,
    /// Seed of initialisation and shuffling.
    pub seed: u64,
}

impl Default for NetConfig {
    fn default() -> Self {
        Self {
            dim: 32,
            hidden: 32,
            bits: 18,
            epochs: 4,
            lr: 0.1,
            seed: 0xc4a2,
        }
    }
}

/// Uniform in [-a, a).
fn uniform(rng: &mut SplitMix, a: f32) -> f32 {
    ((rng.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * a
}

/// Trains a network on `samples`.
pub fn train(samples: &[Sample], cfg: &NetConfig) -> CharNet {
    let (d, hd) = (cfg.dim, cfg.hidden);
    let rows = 1usize << cfg.bits;
    let mut rng = SplitMix(cfg.seed);
    // Random embeddings (a zero start would leave every ReLU dead); rows no
    // training token hashes to are zeroed at the end.
    let mut emb: Vec<f32> = (0..rows * d).map(|_| uniform(&mut rng, 0.5)).collect();
    let mut emb_g = vec![0f32; rows];
    let a1 = (6.0 / (POS * d + hd) as f32).sqrt();
    let mut w1: Vec<f32> = (0..POS * d * hd).map(|_| uniform(&mut rng, a1)).collect();
    let a2 = (6.0 / (hd + L) as f32).sqrt();
    let mut w2: Vec<f32> = (0..hd * L).map(|_| uniform(&mut rng, a2)).collect();
    let mut b1 = vec![0f32; hd];
    let mut b2 = [0f32; L];
    let (mut g_w1, mut g_b1, mut g_w2, mut g_b2) = (
        vec![0f32; w1.len()],
        vec![0f32; hd],
        vec![0f32; w2.len()],
        [0f32; L],
    );
    let eps = 1e-8f32;
    // Input ids per token, per sentence.
    let data: Vec<Vec<Vec<u32>>> = samples
        .iter()
        .map(|s| {
            s.tokens
                .iter()
                .map(|w| {
                    let mut ids = Vec::new();
                    token_ids(w, cfg.bits, &mut ids);
                    ids
                })
                .collect()
        })
        .collect();
    let mut order: Vec<usize> = (0..samples.len()).collect();
    let (mut v, mut hs, mut dv) = (Vec::new(), Vec::new(), Vec::new());
    let (mut dw1, mut dw2) = (vec![0f32; w1.len()], vec![0f32; w2.len()]);
    let mut db1 = vec![0f32; hd];
    let mut dh = vec![0f32; hd];
    for _ in 0..cfg.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &si in &order {
            let toks = &data[si];
            let gold = &samples[si].labels;
            let n = toks.len();
            if n == 0 {
                continue;
            }
            // Forward.
            v.clear();
            v.resize(n * d, 0.0);
            for (t, ids) in toks.iter().enumerate() {
                let inv = 1.0 / ids.len().max(1) as f32;
                let vt = &mut v[t * d..(t + 1) * d];
                for &id in ids {
                    let r = id as usize * d;
                    axpy(vt, inv, &emb[r..r + d]);
                }
            }
            hs.clear();
            hs.resize(n * hd, 0.0);
            dv.clear();
            dv.resize(n * d, 0.0);
            dw1.iter_mut().for_each(|x| *x = 0.0);
            dw2.iter_mut().for_each(|x| *x = 0.0);
            db1.iter_mut().for_each(|x| *x = 0.0);
            let mut db2 = [0f32; L];
            for t in 0..n {
                let h = &mut hs[t * hd..(t + 1) * hd];
                h.copy_from_slice(&b1);
                for p in 0..POS {
                    let Some(u) = (t + p).checked_sub(WIN).filter(|&u| u < n) else {
                        continue;
                    };
                    let wp = &w1[p * d * hd..(p + 1) * d * hd];
                    for j in 0..d {
                        let x = v[u * d + j];
                        axpy(h, x, &wp[j * hd..(j + 1) * hd]);
                    }
                }
                for x in h.iter_mut() {
                    *x = x.max(0.0);
                }
                let mut s = b2;
                for j in 0..hd {
                    if h[j] > 0.0 {
                        axpy(&mut s, h[j], &w2[j * L..(j + 1) * L]);
                    }
                }
                // Softmax cross-entropy gradient.
                let m = s.iter().fold(f32::MIN, |a, &b| a.max(b));
                let mut z = 0f32;
                for x in s.iter_mut() {
                    *x = (*x - m).exp();
                    z += *x;
                }
                for x in s.iter_mut() {
                    *x /= z;
                }
                s[gold[t] as usize] -= 1.0;
                // Backward.
                for l in 0..L {
                    db2[l] += s[l];
                }
                for j in 0..hd {
                    if h[j] > 0.0 {
                        axpy(&mut dw2[j * L..(j + 1) * L], h[j], &s);
                        dh[j] = dot(&w2[j * L..(j + 1) * L], &s);
                    } else {
                        dh[j] = 0.0;
                    }
                }
                axpy(&mut db1, 1.0, &dh);
                for p in 0..POS {
                    let Some(u) = (t + p).checked_sub(WIN).filter(|&u| u < n) else {
                        continue;
                    };
                    let base = p * d * hd;
                    for j in 0..d {
                        let r = base + j * hd;
                        axpy(&mut dw1[r..r + hd], v[u * d + j], &dh);
                        dv[u * d + j] += dot(&w1[r..r + hd], &dh);
                    }
                }
            }
            // Adagrad updates.
            let lr = cfg.lr;
            let upd = |w: &mut [f32], g: &mut [f32], dw: &[f32]| {
                for ((w, g), &d) in w.iter_mut().zip(g.iter_mut()).zip(dw) {
                    if d != 0.0 {
                        *g += d * d;
                        *w -= lr * d / (g.sqrt() + eps);
                    }
                }
            };
            upd(&mut w1, &mut g_w1, &dw1);
            upd(&mut w2, &mut g_w2, &dw2);
            upd(&mut b1, &mut g_b1, &db1);
            upd(&mut b2, &mut g_b2, &db2);
            for (t, ids) in toks.iter().enumerate() {
                let inv = 1.0 / ids.len().max(1) as f32;
                let g = &dv[t * d..(t + 1) * d];
                let sq: f32 = g.iter().map(|x| x * x).sum::<f32>() * inv * inv / d as f32;
                for &id in ids {
                    let r = id as usize;
                    emb_g[r] += sq;
                    let step = -lr * inv / (emb_g[r].sqrt() + eps);
                    axpy(&mut emb[r * d..(r + 1) * d], step, g);
                }
            }
        }
    }
    // Quantize embeddings per row.
    let mut q = vec![0u8; rows * d];
    let mut emb_scale = vec![0u8; rows * 4];
    for r in 0..rows {
        let row = &emb[r * d..(r + 1) * d];
        if emb_g[r] == 0.0 {
            continue;
        }
        let max = row.iter().fold(0f32, |m, x| m.max(x.abs()));
        if max > 0.0 {
            let s = max / 127.0;
            emb_scale[r * 4..r * 4 + 4].copy_from_slice(&s.to_le_bytes());
            for (o, x) in q[r * d..(r + 1) * d].iter_mut().zip(row) {
                *o = (x / s).round() as i8 as u8;
            }
        }
    }
    CharNet::new((d, hd, cfg.bits), pack(&emb_scale, &q, d), w1, b1, w2, b2)
}
