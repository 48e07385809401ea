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

#[cfg(test)]
mod tests {
    use super::IdIndex;

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
