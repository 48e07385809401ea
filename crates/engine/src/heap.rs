//! Approximate heap sizes of the models, for operators (the server's snapshot-size metric):
//! what their vectors and indices hold, by capacity. Not exact (allocator overhead and hash
//! tables' spare buckets are estimated), but within a few percent for the models, whose dense
//! arrays dominate.

use std::collections::HashMap;
use std::mem::size_of;

/// Bytes a vector holds on the heap.
pub fn vec<T>(v: &Vec<T>) -> usize {
    v.capacity() * size_of::<T>()
}

/// Bytes a hash table holds on the heap: its entries and one control byte per bucket, the
/// buckets being about 8/7 of the capacity.
pub fn map<K, V>(m: &HashMap<K, V>) -> usize {
    m.capacity() * 8 / 7 * (size_of::<(K, V)>() + 1)
}

/// Bytes of strings (their text) plus the vector holding them.
pub fn strings(v: &[String]) -> usize {
    v.iter().map(String::capacity).sum::<usize>() + std::mem::size_of_val(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_count_capacity_not_length() {
        let mut v: Vec<f64> = Vec::with_capacity(100);
        v.push(1.0);
        assert_eq!(vec(&v), 800);
        let m: HashMap<u32, u32> = (0..1000).map(|i| (i, i)).collect();
        // Each entry 8 bytes plus a control byte, over at least as many buckets as entries.
        assert!(map(&m) >= 1000 * 9, "{}", map(&m));
        let s = vec!["abc".to_owned(), String::with_capacity(10)];
        assert_eq!(strings(&s), 3 + 10 + 2 * size_of::<String>());
    }
}
