package history

// Addresses is how many listen addresses s remembers, for the tests of the
// store's bounds.
func (s *Store) Addresses() int { return len(s.address) }
