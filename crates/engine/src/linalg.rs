//! The small dense linear algebra ALS needs: solving symmetric positive-definite systems of
//! size rank + 1 by Cholesky factorisation, in place, without allocating. (The dot products
//! and the other inner loops are in `kernels.rs`.) And the Gramian `α₀ FᵀF` iALS adds to every
//! solve.
//!
//! Hand-written on purpose: ALS solves one such system per user and per movie in every
//! iteration (millions on the full dataset), each small (tens of rows) and into a buffer the
//! worker reuses. faer serves where a matrix is large (EASE's inverse); for these it would add
//! a call's set-up and an allocation to each of the millions of solves.

use rayon::prelude::*;

/// Solves `A x = b` for a symmetric positive-definite `n × n` matrix `a` (row-major, only the
/// lower triangle is read; it is overwritten by the Cholesky factor). `b` becomes `x`.
/// Returns `false` if `a` is not positive definite (then `b` is unspecified).
pub fn cholesky_solve(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    debug_assert_eq!(a.len(), n * n);
    debug_assert_eq!(b.len(), n);
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
    }
    cholesky_resolve(a, b, n);
    true
}

/// After [`cholesky_solve`] factorised `a`, solves `A x = b` again with that factor.
pub fn cholesky_resolve(factor: &[f64], b: &mut [f64], n: usize) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= factor[i * n + k] * b[k];
        }
        b[i] = s / factor[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= factor[k * n + i] * b[k];
        }
        b[i] = s / factor[i * n + i];
    }
}

/// `α₀ FᵀF` for row-major `factors` (`k` per row), full `k × k`. Summed in fixed blocks and
/// the blocks in order, so the result is the same whatever the thread count.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub(crate) fn gramian(factors: &[f64], k: usize, alpha: f64) -> Vec<f64> {
    const BLOCK: usize = 1024;
    let partials: Vec<Vec<f64>> = factors
        .par_chunks(BLOCK * k)
        .map(|block| {
            let mut g = vec![0.0; k * k];
            for row in block.chunks_exact(k) {
                for r in 0..k {
                    let x = row[r];
                    let out = &mut g[r * k..r * k + r + 1];
                    for (o, &y) in out.iter_mut().zip(&row[..=r]) {
                        *o += x * y;
                    }
                }
            }
            g
        })
        .collect();
    let mut g = vec![0.0; k * k];
    for part in partials {
        for (x, y) in g.iter_mut().zip(part) {
            *x += y;
        }
    }
    for r in 0..k {
        for c in 0..=r {
            let v = alpha * g[r * k + c];
            g[r * k + c] = v;
            g[c * k + r] = v;
        }
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_known_system() {
        // A = [[4, 2], [2, 3]], x = [1, 2] → b = [8, 8]
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let mut b = vec![8.0, 8.0];
        assert!(cholesky_solve(&mut a, &mut b, 2));
        assert!((b[0] - 1.0).abs() < 1e-12 && (b[1] - 2.0).abs() < 1e-12);
        let mut c = vec![4.0, 2.0 * 1.0 + 3.0 * 1.0];
        cholesky_resolve(&a, &mut c, 2);
        // A [x0, x1] = [4, 5] → x = [0.25, 1.5]
        assert!((c[0] - 0.25).abs() < 1e-12 && (c[1] - 1.5).abs() < 1e-12);
    }

    #[test]
    fn solves_random_systems_of_every_size_it_meets() {
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let mut rng = crate::rng::SplitMix64(9);
        for n in 1..=33 {
            // A = M Mᵀ + n I is symmetric positive definite.
            let m: Vec<f64> = (0..n * n).map(|_| rng.normal()).collect();
            let mut a = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    a[i * n + j] = dot(&m[i * n..(i + 1) * n], &m[j * n..(j + 1) * n]);
                }
                a[i * n + i] += n as f64;
            }
            let x: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let b: Vec<f64> = (0..n).map(|i| dot(&a[i * n..(i + 1) * n], &x)).collect();
            let (mut factor, mut solved) = (a.clone(), b.clone());
            // Only the lower triangle may be read (training leaves stale values above it).
            for i in 0..n {
                for j in i + 1..n {
                    factor[i * n + j] = f64::NAN;
                }
            }
            assert!(cholesky_solve(&mut factor, &mut solved, n), "n = {n}");
            let mut again = b.clone();
            cholesky_resolve(&factor, &mut again, n);
            for i in 0..n {
                assert!(
                    (solved[i] - x[i]).abs() < 1e-9,
                    "n = {n}: {} vs {}",
                    solved[i],
                    x[i]
                );
                assert_eq!(again[i], solved[i], "n = {n}");
            }
        }
    }

    #[test]
    fn refuses_indefinite_matrices() {
        let mut a = vec![1.0, 2.0, 2.0, 1.0];
        let mut b = vec![1.0, 1.0];
        assert!(!cholesky_solve(&mut a, &mut b, 2));
    }
}
