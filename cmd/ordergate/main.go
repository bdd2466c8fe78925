// Command ordergate is the order intake gateway: one binary whose
// subcommands run the server, load master data and inspect documents.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
