package store

import (
	"context"
	"fmt"
)

// MigrateDownToForTest undoes the migrations after version, for tests of what a migration does to existing data.
func MigrateDownToForTest(s *Store, ctx context.Context, version int64) error {
	p, err := s.migrationProvider()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate %s down to %d: %w", s.path, version, err)
	}
	return nil
}
