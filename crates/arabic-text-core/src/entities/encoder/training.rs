//! The trainer of the context encoder (only with the `train` feature):
//! Adam on per-token cross-entropy with dropout after layer 1, its own
//! forward and backward passes, deterministic. Apart from the run-time
//! encoder (`model`), whose scores are checked against its forward pass.

// Dense numeric kernels read best with index loops.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use super::model::{
    Encoder, K, KNOWLEDGE, Settings, axpy, next_id, project_input, token_inputs,
};
use crate::entities::labels::{L, Sample};
use crate::entities::rng::SplitMix;
use crate::entities::vectors::Vectors;

/// Weight of the newest step in the moving average of the weights.
const EMA: f32 = 1e-3;

/// Uniform in [-a, a).
fn uniform(rng: &mut SplitMix, a: f32) -> f32 {
    ((rng.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * a
}

/// The trainable weights, in [`Encoder`]'s layouts, as one flat vector
/// (for Adam) with the offsets of each part.
struct Params {
    v: Vec<f32>,
    input: usize,
    hd: usize,
}

impl Params {
    fn sizes(input: usize, hd: usize) -> [usize; 6] {
        [K * input * hd, hd, K * hd * hd, hd, hd * L, L]
    }
    fn range(&self, i: usize) -> std::ops::Range<usize> {
        let s = Self::sizes(self.input, self.hd);
        let start: usize = s[..i].iter().sum();
        start..start + s[i]
    }
}

/// Inputs of every token of `samples` (`input` floats each, flat per sentence).
fn inputs(samples: &[Sample], vectors: &Vectors) -> Vec<Vec<f32>> {
    let input = 2 * vectors.dim() + KNOWLEDGE;
    samples
        .iter()
        .map(|s| {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            token_inputs(vectors, &toks, input)
        })
        .collect()
}

/// Activations of one sentence (what the backward pass needs).
struct Pass {
    /// Layer 1 pre-activations, `n × hd`.
    a1: Vec<f32>,
    /// Layer 1 after ReLU and dropout.
    h1: Vec<f32>,
    /// Layer 2 pre-activations.
    a2: Vec<f32>,
    /// Layer 2 output (relu + residual).
    h2: Vec<f32>,
    /// Scores.
    s: Vec<[f32; L]>,
}

/// The trainer's forward pass of a sentence from its inputs `x`
/// (`mask`: dropout keep-scales after layer 1, or none).
fn forward(p: &Params, d: usize, x: &[f32], mask: Option<&[f32]>) -> Pass {
    let (input, hd) = (p.input, p.hd);
    let n = x.len() / input;
    let w1 = &p.v[p.range(0)];
    let b1 = &p.v[p.range(1)];
    let w2 = &p.v[p.range(2)];
    let b2 = &p.v[p.range(3)];
    let w3 = &p.v[p.range(4)];
    let b3 = &p.v[p.range(5)];
    let mut proj = vec![0f32; n * K * hd];
    for t in 0..n {
        project_input(
            w1,
            input,
            hd,
            &x[t * input..(t + 1) * input],
            &mut proj[t * K * hd..(t + 1) * K * hd],
        );
    }
    let mut a1 = vec![0f32; n * hd];
    let mut h1 = vec![0f32; n * hd];
    for t in 0..n {
        let a = &mut a1[t * hd..(t + 1) * hd];
        a.copy_from_slice(b1);
        for q in 0..K {
            if let Some(u) = (t + q).checked_sub(1).filter(|&u| u < n) {
                let base = u * K * hd + q * hd;
                axpy(a, 1.0, &proj[base..base + hd]);
            }
        }
        for i in 0..hd {
            let m = mask.map_or(1.0, |m| m[t * hd + i]);
            h1[t * hd + i] = a[i].max(0.0) * m;
        }
    }
    let mut a2 = vec![0f32; n * hd];
    let mut h2 = vec![0f32; n * hd];
    let mut s = Vec::with_capacity(n);
    for t in 0..n {
        let a = &mut a2[t * hd..(t + 1) * hd];
        a.copy_from_slice(b2);
        for q in 0..K {
            if let Some(u) = (t + q * d).checked_sub(d).filter(|&u| u < n) {
                let wq = &w2[q * hd * hd..(q + 1) * hd * hd];
                for i in 0..hd {
                    let v = h1[u * hd + i];
                    if v != 0.0 {
                        axpy(a, v, &wq[i * hd..(i + 1) * hd]);
                    }
                }
            }
        }
        let mut st = [0f32; L];
        st.copy_from_slice(b3);
        for i in 0..hd {
            let v = a[i].max(0.0) + h1[t * hd + i];
            h2[t * hd + i] = v;
            if v != 0.0 {
                axpy(&mut st, v, &w3[i * L..(i + 1) * L]);
            }
        }
        s.push(st);
    }
    Pass { a1, h1, a2, h2, s }
}

/// Gradient of the summed cross-entropy of `gold` into `g`.
fn backward(
    p: &Params,
    d: usize,
    x: &[f32],
    mask: &[f32],
    pass: &Pass,
    gold: &[u8],
    g: &mut [f32],
) -> f64 {
    let (input, hd) = (p.input, p.hd);
    let n = gold.len();
    let w2 = &p.v[p.range(2)];
    let w3 = &p.v[p.range(4)];
    let (r0, r1, r2, r3, r4, r5) = (
        p.range(0),
        p.range(1),
        p.range(2),
        p.range(3),
        p.range(4),
        p.range(5),
    );
    let mut loss = 0f64;
    let mut dh1 = vec![0f32; n * hd];
    let mut da2 = vec![0f32; hd];
    for t in 0..n {
        let mut s = pass.s[t];
        let m = s.iter().fold(f32::MIN, |a, &b| a.max(b));
        let mut z = 0f32;
        for v in s.iter_mut() {
            *v = (*v - m).exp();
            z += *v;
        }
        for v in s.iter_mut() {
            *v /= z;
        }
        let gl = gold[t] as usize;
        loss -= f64::from(s[gl].max(1e-12)).ln();
        s[gl] -= 1.0;
        for l in 0..L {
            g[r5.start + l] += s[l];
        }
        // dh2 = W3 ds; dW3 += h2 ⊗ ds.
        for i in 0..hd {
            let v = pass.h2[t * hd + i];
            let row = &w3[i * L..(i + 1) * L];
            let dh2: f32 = row.iter().zip(&s).map(|(a, b)| a * b).sum();
            if v != 0.0 {
                axpy(&mut g[r4.start + i * L..r4.start + (i + 1) * L], v, &s);
            }
            // The residual passes dh2 to h1 as it is; relu gates a2.
            dh1[t * hd + i] += dh2;
            da2[i] = if pass.a2[t * hd + i] > 0.0 { dh2 } else { 0.0 };
        }
        axpy(&mut g[r3.clone()], 1.0, &da2);
        for q in 0..K {
            let Some(u) = (t + q * d).checked_sub(d).filter(|&u| u < n) else {
                continue;
            };
            let base = r2.start + q * hd * hd;
            for i in 0..hd {
                let v = pass.h1[u * hd + i];
                let row = &w2[q * hd * hd + i * hd..q * hd * hd + (i + 1) * hd];
                if v != 0.0 {
                    axpy(&mut g[base + i * hd..base + (i + 1) * hd], v, &da2);
                }
                dh1[u * hd + i] += row.iter().zip(&da2).map(|(a, b)| a * b).sum::<f32>();
            }
        }
    }
    // Through dropout and layer 1's relu.
    let mut da1 = vec![0f32; hd];
    for t in 0..n {
        for i in 0..hd {
            da1[i] = if pass.a1[t * hd + i] > 0.0 {
                dh1[t * hd + i] * mask[t * hd + i]
            } else {
                0.0
            };
        }
        axpy(&mut g[r1.clone()], 1.0, &da1);
        for q in 0..K {
            let Some(u) = (t + q).checked_sub(1).filter(|&u| u < n) else {
                continue;
            };
            let base = r0.start + q * input * hd;
            for (j, &v) in x[u * input..(u + 1) * input].iter().enumerate() {
                if v != 0.0 {
                    axpy(&mut g[base + j * hd..base + (j + 1) * hd], v, &da1);
                }
            }
        }
    }
    loss
}

fn encoder_of(p: &Params, settings: &Settings, vectors: &Arc<Vectors>) -> Encoder {
    let part = |i: usize| p.v[p.range(i)].to_vec();
    let mut b3 = [0f32; L];
    b3.copy_from_slice(&p.v[p.range(5)]);
    Encoder {
        settings: settings.clone(),
        vectors: Arc::clone(vectors),
        input: p.input,
        w1: part(0),
        b1: part(1),
        w2: part(2),
        b2: part(3),
        w3: part(4),
        b3,
        id: next_id(),
    }
}

/// Trains an encoder on `samples` for `settings.epochs` passes;
/// `each_epoch(e, encoder)` sees the encoder after every pass (to choose
/// the count on dev). Deterministic.
pub fn train(
    samples: &[Sample],
    vectors: &Arc<Vectors>,
    settings: &Settings,
    mut each_epoch: impl FnMut(usize, &Encoder),
) -> Encoder {
    let mut settings = settings.clone();
    settings.vectors = vectors.fingerprint();
    let hd = settings.hidden;
    let d = settings.dilation.max(1);
    let input = 2 * vectors.dim() + KNOWLEDGE;
    let xs = inputs(samples, vectors);
    let mut rng = SplitMix(settings.seed);
    let sizes = Params::sizes(input, hd);
    let mut p = Params {
        v: vec![0f32; sizes.iter().sum()],
        input,
        hd,
    };
    // Glorot-uniform weights, zero biases.
    for (i, fan) in [(0, K * input + hd), (2, K * hd + hd), (4, hd + L)] {
        let a = (6.0 / fan as f32).sqrt();
        let r = p.range(i);
        for v in &mut p.v[r] {
            *v = uniform(&mut rng, a);
        }
    }
    let np = p.v.len();
    // The weights returned are a moving average of the trained ones
    // (steadier from epoch to epoch than the last step's).
    let mut avg = Params {
        v: p.v.clone(),
        input,
        hd,
    };
    let (mut m, mut v2) = (vec![0f32; np], vec![0f32; np]);
    let mut g = vec![0f32; np];
    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    let mut step = 0i32;
    let mut order: Vec<usize> = (0..samples.len()).collect();
    let keep = 1.0 - settings.dropout.clamp(0.0, 0.9);
    for epoch in 0..settings.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let mut total = 0f64;
        let mut tokens = 0usize;
        for &si in &order {
            let gold = &samples[si].labels;
            let n = gold.len();
            if n == 0 {
                continue;
            }
            let x = &xs[si];
            let mask: Vec<f32> = (0..n * hd)
                .map(|_| {
                    if ((rng.next() >> 40) as f32 / (1u64 << 24) as f32) < keep {
                        1.0 / keep
                    } else {
                        0.0
                    }
                })
                .collect();
            let pass = forward(&p, d, x, Some(&mask));
            g.fill(0.0);
            total += backward(&p, d, x, &mask, &pass, gold, &mut g);
            tokens += n;
            step += 1;
            let lr = settings.lr * (1.0 - b2.powi(step)).sqrt() / (1.0 - b1.powi(step));
            for i in 0..np {
                let gi = g[i];
                if gi == 0.0 && m[i] == 0.0 {
                    continue;
                }
                m[i] = b1 * m[i] + (1.0 - b1) * gi;
                v2[i] = b2 * v2[i] + (1.0 - b2) * gi * gi;
                p.v[i] -= lr * m[i] / (v2[i].sqrt() + eps);
            }
            for (a, &x) in avg.v.iter_mut().zip(&p.v) {
                *a += EMA * (x - *a);
            }
        }
        let _ = total / tokens.max(1) as f64;
        each_epoch(epoch + 1, &encoder_of(&avg, &settings, vectors));
    }
    encoder_of(&avg, &settings, vectors)
}

/// The trainer's own forward pass (from the input rows, without the
/// per-word memo): what the run-time scores are checked against.
pub fn trainer_scores(encoder: &Encoder, tokens: &[&str]) -> Vec<[f32; L]> {
    let input = encoder.input;
    let x = token_inputs(&encoder.vectors, tokens, input);
    let mut v = Vec::new();
    for part in [
        &encoder.w1,
        &encoder.b1,
        &encoder.w2,
        &encoder.b2,
        &encoder.w3,
    ] {
        v.extend_from_slice(part);
    }
    v.extend_from_slice(&encoder.b3);
    let p = Params {
        v,
        input,
        hd: encoder.settings.hidden,
    };
    forward(&p, encoder.settings.dilation.max(1), &x, None).s
}
