//! The engine's inner loops: dot products, multiply-adds and prefetches that ALS, iALS and the
//! similarity searches spend their time in. Every `unsafe` block of the engine is here, each with
//! the reason it is sound; each intrinsic kernel has a portable twin that the tests hold it
//! equal to. The crate denies `unsafe_code` everywhere else.
//!
//! `FMA` is a const parameter rather than a run-time check: the callers are compiled twice by
//! `multiversion` (a plain x86-64 build and an AVX2 + FMA one), and the AVX2 + FMA build passes
//! `true`, so each build's loop is branch-free.

/// How many observations ahead the solvers ask for the other side's vectors: the ratings of one
/// entity point all over the other side's factors (beyond the caches on the big side), and the
/// loads of the next few ratings are too few to hide the memory's latency.
pub(crate) const PREFETCH_AHEAD: usize = 32;

/// Asks for every cache line of `len` values at `start` of `values`, without waiting for them.
#[inline(always)]
pub(crate) fn prefetch_row<T>(values: &[T], start: usize, len: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let per_line = (64 / std::mem::size_of::<T>()).max(1);
        let first = values.as_ptr().wrapping_add(start);
        for at in (0..len).step_by(per_line).chain([len.saturating_sub(1)]) {
            // SAFETY: a prefetch reads nothing into the program and never faults, whatever the
            // address (these are in bounds in any case); SSE, which it needs, is part of x86-64.
            #[allow(unsafe_code)]
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(first.wrapping_add(at).cast());
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (values, start, len);
}

/// Four running sums, so that the compiler can vectorise (one sum would fix the order of the
/// additions and keep it scalar).
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let (chunks_a, rest_a) = a.as_chunks::<4>();
    let (chunks_b, rest_b) = b.as_chunks::<4>();
    let mut acc = [0.0; 4];
    for (x, y) in chunks_a.iter().zip(chunks_b) {
        for k in 0..4 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f64 = rest_a.iter().zip(rest_b).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `out += s q`.
#[inline(always)]
pub(crate) fn axpy32<const FMA: bool>(out: &mut [f32], s: f32, q: &[f32]) {
    for (o, &y) in out.iter_mut().zip(q) {
        *o = if FMA { s.mul_add(y, *o) } else { s * y + *o };
    }
}

/// A dot product in f32: with AVX2 and FMA (the build iALS's conjugate gradient picks when the
/// CPU has them) two eight-lane accumulators written out, since the compiler's own
/// vectorisation of this reduction shuffles half its lanes away.
#[inline(always)]
pub(crate) fn dot32<const FMA: bool>(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if FMA {
        // SAFETY: callers pass FMA = true only from their AVX2 + FMA build, which multiversion
        // runs only on CPUs that have both (the tests detect the features before they do).
        #[allow(unsafe_code)]
        return unsafe { dot32_avx2(a, b) };
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(unsafe_code)]
fn dot32_avx2(a: &[f32], b: &[f32]) -> f32 {
    use std::arch::x86_64::{
        _mm_add_ps, _mm_add_ss, _mm_cvtss_f32, _mm_movehl_ps, _mm_shuffle_ps, _mm256_add_ps,
        _mm256_castps256_ps128, _mm256_extractf128_ps, _mm256_fmadd_ps, _mm256_loadu_ps,
        _mm256_setzero_ps,
    };
    let n = a.len().min(b.len());
    let (mut acc0, mut acc1) = (_mm256_setzero_ps(), _mm256_setzero_ps());
    let mut i = 0;
    while i + 16 <= n {
        // SAFETY: i + 16 ≤ n, so the four eight-value loads are in bounds of both slices.
        unsafe {
            let (pa, pb) = (a.as_ptr().add(i), b.as_ptr().add(i));
            acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(pa), _mm256_loadu_ps(pb), acc0);
            acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(pa.add(8)), _mm256_loadu_ps(pb.add(8)), acc1);
        }
        i += 16;
    }
    let acc = _mm256_add_ps(acc0, acc1);
    let quad = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps::<1>(acc));
    let pair = _mm_add_ps(quad, _mm_movehl_ps(quad, quad));
    let one = _mm_add_ss(pair, _mm_shuffle_ps::<1>(pair, pair));
    let mut total = _mm_cvtss_f32(one);
    for j in i..n {
        total += a[j] * b[j];
    }
    total
}

/// [`dot32`] without intrinsics: what it computes, for tests and for CPUs without AVX2.
#[cfg(test)]
fn dot32_portable(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = crate::rng::SplitMix64(seed);
        (0..n).map(|_| rng.normal() as f32).collect()
    }

    #[test]
    fn dot32_kernels_agree_with_the_portable_twin() {
        for n in 0..=70 {
            let (a, b) = (values(n, 1 + n as u64), values(n, 100 + n as u64));
            let want = dot32_portable(&a, &b);
            let scale: f32 = a.iter().zip(&b).map(|(x, y)| (x * y).abs()).sum::<f32>() + 1.0;
            for got in [dot32::<false>(&a, &b), dot32_fma_if_supported(&a, &b)] {
                assert!((got - want).abs() <= 1e-5 * scale, "n={n}: {got} vs {want}");
            }
        }
    }

    /// `dot32::<true>` where this CPU may run it, else the portable kernel again.
    fn dot32_fma_if_supported(a: &[f32], b: &[f32]) -> f32 {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return dot32::<true>(a, b);
        }
        dot32::<false>(a, b)
    }

    #[test]
    fn axpy32_and_dot_match_plain_loops() {
        let (q, mut out) = (values(37, 7), values(37, 8));
        let before = out.clone();
        axpy32::<false>(&mut out, 0.5, &q);
        for ((o, b), y) in out.iter().zip(&before).zip(&q) {
            assert!((o - (b + 0.5 * y)).abs() < 1e-6);
        }
        let x: Vec<f64> = (0..23).map(|i| i as f64 * 0.25).collect();
        let plain: f64 = x.iter().map(|v| v * v).sum();
        assert!((dot(&x, &x) - plain).abs() < 1e-9);
    }

    #[test]
    fn prefetch_never_faults_at_the_edges() {
        let v = values(5, 3);
        prefetch_row(&v, 0, 5);
        prefetch_row(&v, 4, 1);
        prefetch_row(&v, 5, 0);
    }
}
