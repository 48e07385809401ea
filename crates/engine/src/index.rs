//! Dense positions for external ids: the models keep their items in vectors (scores, rows,
//! factors) in one order, and find an external id's place through this index.

use std::collections::HashMap;

/// External ids in a model's order, with each id's position.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdIndex {
    ids: Vec<u32>,
    positions: HashMap<u32, u32>,
}

impl IdIndex {
    /// The index of `ids` in this order; `None` when an id appears twice.
    pub fn new(ids: Vec<u32>) -> Option<IdIndex> {
        let positions: HashMap<u32, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        (positions.len() == ids.len()).then_some(IdIndex { ids, positions })
    }

    /// The ids, in order.
    pub fn ids(&self) -> &[u32] {
        &self.ids
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// `id`'s position, if the index has it.
    pub fn position(&self, id: u32) -> Option<u32> {
        self.positions.get(&id).copied()
    }

    pub fn contains(&self, id: u32) -> bool {
        self.positions.contains_key(&id)
    }

    /// Approximate bytes held (see [`crate::heap`]).
    pub fn heap_bytes(&self) -> usize {
        crate::heap::vec(&self.ids) + crate::heap::map(&self.positions)
    }
}

/// Dense indices for external ids, in first-seen order: (the ids, each row's index).
pub(crate) fn dense_positions(ids: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut list = Vec::new();
    let max = ids.iter().copied().max().unwrap_or(0) as usize;
    // Ids are usually small numbers: a table beats hashing every rating's id.
    let dense: Vec<u32> = if max < (4 * ids.len()).max(1 << 20) {
        let mut table = vec![u32::MAX; max + 1];
        ids.iter()
            .map(|&id| {
                let slot = &mut table[id as usize];
                if *slot == u32::MAX {
                    *slot = list.len() as u32;
                    list.push(id);
                }
                *slot
            })
            .collect()
    } else {
        let mut map: HashMap<u32, u32> = HashMap::new();
        ids.iter()
            .map(|&id| {
                *map.entry(id).or_insert_with(|| {
                    list.push(id);
                    (list.len() - 1) as u32
                })
            })
            .collect()
    };
    (list, dense)
}

#[cfg(test)]
mod tests {
    use super::{IdIndex, dense_positions};

    #[test]
    fn dense_positions_number_ids_in_first_seen_order_by_table_or_map() {
        // Small ids take the table, one huge id the map: the same answer either way.
        for big in [9, u32::MAX - 1] {
            let (ids, rows) = dense_positions(&[5, big, 5, 2, big]);
            assert_eq!(ids, vec![5, big, 2]);
            assert_eq!(rows, vec![0, 1, 0, 2, 1]);
        }
        assert_eq!(dense_positions(&[]), (vec![], vec![]));
    }

    #[test]
    fn positions_follow_the_order_and_repeats_are_refused() {
        let index = IdIndex::new(vec![30, 10, 20]).unwrap();
        assert_eq!(index.ids(), &[30, 10, 20]);
        assert_eq!(
            (index.position(30), index.position(20), index.position(5)),
            (Some(0), Some(2), None)
        );
        assert!(index.contains(10) && !index.contains(5));
        assert_eq!(index.len(), 3);
        assert_eq!(IdIndex::new(vec![1, 2, 1]), None);
        assert!(IdIndex::new(Vec::new()).unwrap().is_empty());
    }
}
