package server

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps the import direction of the architecture: server sees
// ports and web, never concrete adapters, drivers or fakes.
func TestImports(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{
		"github.com/flowdeck/flowdeck/internal/fakecloud",
		"github.com/flowdeck/flowdeck/internal/sqlstore",
		"github.com/flowdeck/flowdeck/internal/powerautomate",
		"github.com/flowdeck/flowdeck/internal/powerapps",
		"github.com/flowdeck/flowdeck/internal/graph",
		"github.com/jackc/pgx",
		"modernc.org/sqlite",
		"database/sql",
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, bad+"/") {
					t.Errorf("%s imports %s", name, path)
				}
			}
		}
	}
}
