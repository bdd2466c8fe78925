// Package migrations holds ordergate's numbered SQL migrations, embedded into
// the binary and applied by goose, one transaction each.
package migrations

import "embed"

// FS holds the *.sql migrations.
//
//go:embed *.sql
var FS embed.FS
