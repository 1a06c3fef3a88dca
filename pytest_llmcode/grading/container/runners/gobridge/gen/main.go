// Command gen writes the two halves of a Go case's bridge from its reference answer's API:
// a stand-in `solution` package the hidden tests are compiled against, every function and
// method of which forwards its call, and a server around the answer's own package that
// serves those calls in the answer's process.
//
// Usage: gen REFERENCE.go EXPORTS TESTS_DIR STAND_IN.go SERVER.go
//
// EXPORTS is a comma-separated list of the names the tests may use (the case's `exports`;
// empty: every exported name). The API is what the reference declares under those names
// and the hidden tests in TESTS_DIR name (as in one process, an answer need only declare
// what the tests compile against; an empty TESTS_DIR: all of it), the types those use, and
// the exported methods of those types the tests name. Struct types whose fields
// are all exported are plain data, copied into the stand-in; a struct type with an
// unexported field or a method with a pointer receiver is opaque: its values stay in the
// answer's process and the tests hold a reference (only as a pointer).
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const bridgeImport = `llmcodebridge "llmcode.local/bridge"`

func main() {
	if len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: gen REFERENCE.go EXPORTS TESTS_DIR STAND_IN.go SERVER.go")
		os.Exit(2)
	}
	used, err := testNames(os.Args[3])
	var api *api
	if err == nil {
		api, err = load(os.Args[1], os.Args[2], used)
	}
	if err == nil {
		err = write(os.Args[4], api.standIn())
	}
	if err == nil {
		err = write(os.Args[5], api.server())
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "the Go bridge cannot serve this case: %v\n", err)
		os.Exit(1)
	}
}

// testNames: every identifier the Go files of dir use (nil: no directory given).
func testNames(dir string) (map[string]bool, error) {
	if dir == "" {
		return nil, nil
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range paths {
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return nil, fmt.Errorf("the hidden tests do not parse: %v", err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if ident, ok := n.(*ast.Ident); ok {
				names[ident.Name] = true
			}
			return true
		})
	}
	return names, nil
}

func write(path string, source []byte) error {
	formatted, err := format.Source(source)
	if err != nil {
		return fmt.Errorf("generated code does not parse: %v\n%s", err, source)
	}
	return os.WriteFile(path, formatted, 0o644)
}

type function struct {
	decl   *ast.FuncDecl
	recv   string // the receiver's type name; "" for a function
	params []param
	result []ast.Expr
}

type param struct {
	typ      ast.Expr
	variadic bool
}

type api struct {
	fset    *token.FileSet
	imports map[string]string // local name -> import path
	types   map[string]*ast.TypeSpec
	opaque  map[string]bool
	order   []string // type names, in the reference's order
	consts  []*ast.GenDecl
	funcs   []function
}

func load(path, exports string, used map[string]bool) (*api, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, err
	}
	a := &api{fset: fset, imports: map[string]string{}, types: map[string]*ast.TypeSpec{},
		opaque: map[string]bool{}}
	for _, spec := range file.Imports {
		importPath, _ := strconv.Unquote(spec.Path.Value)
		name := importPath[strings.LastIndex(importPath, "/")+1:]
		if spec.Name != nil {
			name = spec.Name.Name
		}
		a.imports[name] = importPath
	}
	wanted := map[string]bool{}
	for _, name := range strings.Split(exports, ",") {
		if name = strings.TrimSpace(name); name != "" {
			wanted[name] = true
		}
	}
	want := func(name string) bool {
		return ast.IsExported(name) && (len(wanted) == 0 || wanted[name]) && (used == nil || used[name])
	}
	declared := map[string]*ast.TypeSpec{}
	var methods []*ast.FuncDecl
	for _, decl := range file.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					declared[s.Name.Name] = s
				case *ast.ValueSpec:
					for _, name := range s.Names {
						if !want(name.Name) {
							continue
						}
						if d.Tok == token.VAR {
							return nil, fmt.Errorf("exported variable %s: only functions, methods, types and constants cross", name.Name)
						}
						a.consts = appendOnce(a.consts, d)
					}
				}
			}
		case *ast.FuncDecl:
			if d.Type.TypeParams != nil {
				if want(d.Name.Name) {
					return nil, fmt.Errorf("%s is generic", d.Name.Name)
				}
				continue
			}
			if d.Recv != nil {
				methods = append(methods, d)
			} else if want(d.Name.Name) {
				a.funcs = append(a.funcs, function{decl: d})
			}
		}
	}
	// The types the API names, the types those use and the exported methods of them all.
	for name, spec := range declared {
		if want(name) {
			a.types[name] = spec
		}
	}
	for _, f := range a.funcs {
		a.collect(f.decl.Type, declared)
	}
	taken := map[*ast.FuncDecl]bool{}
	for changed := true; changed; {
		changed = false
		for _, spec := range a.types {
			before := len(a.types)
			a.collect(spec.Type, declared)
			changed = changed || len(a.types) != before
		}
		for _, m := range methods {
			base, pointer := receiver(m)
			named := used == nil || used[m.Name.Name]
			if _, ok := a.types[base]; !ok || !ast.IsExported(m.Name.Name) || !named || taken[m] {
				continue
			}
			taken[m], changed = true, true
			if pointer {
				a.opaque[base] = true
			}
			a.funcs = append(a.funcs, function{decl: m, recv: base})
			a.collect(m.Type, declared)
		}
	}
	for _, decl := range file.Decls {
		if g, ok := decl.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, spec := range g.Specs {
				if s := spec.(*ast.TypeSpec); a.types[s.Name.Name] != nil {
					a.order = append(a.order, s.Name.Name)
				}
			}
		}
	}
	if err := a.classify(); err != nil {
		return nil, err
	}
	for i := range a.funcs {
		if err := a.signature(&a.funcs[i]); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func appendOnce(list []*ast.GenDecl, d *ast.GenDecl) []*ast.GenDecl {
	for _, have := range list {
		if have == d {
			return list
		}
	}
	return append(list, d)
}

func receiver(m *ast.FuncDecl) (string, bool) {
	t := m.Recv.List[0].Type
	star, pointer := t.(*ast.StarExpr)
	if pointer {
		t = star.X
	}
	if ident, ok := t.(*ast.Ident); ok {
		return ident.Name, pointer
	}
	return "", pointer
}

// collect adds the reference's types that node names.
func (a *api) collect(node ast.Node, declared map[string]*ast.TypeSpec) {
	ast.Inspect(node, func(n ast.Node) bool {
		if ident, ok := n.(*ast.Ident); ok {
			if spec, ok := declared[ident.Name]; ok && a.types[ident.Name] == nil {
				a.types[ident.Name] = spec
			}
		}
		if _, ok := n.(*ast.SelectorExpr); ok {
			return false
		}
		return true
	})
}

func (a *api) classify() error {
	for _, name := range a.order {
		spec := a.types[name]
		if spec.TypeParams != nil {
			return fmt.Errorf("type %s is generic", name)
		}
		switch t := spec.Type.(type) {
		case *ast.StructType:
			for _, f := range t.Fields.List {
				for _, n := range f.Names {
					if !ast.IsExported(n.Name) {
						a.opaque[name] = true
					}
				}
				if len(f.Names) == 0 && !ast.IsExported(typeName(f.Type)) {
					a.opaque[name] = true
				}
			}
		case *ast.InterfaceType, *ast.FuncType, *ast.ChanType:
			return fmt.Errorf("type %s is an interface, function or channel type: its values cannot cross", name)
		}
		if a.opaque[name] {
			if _, ok := spec.Type.(*ast.StructType); !ok || spec.Assign.IsValid() {
				return fmt.Errorf("type %s has methods with pointer receivers but is not a struct", name)
			}
			continue
		}
		if err := a.check(spec.Type, false); err != nil {
			return fmt.Errorf("type %s: %v", name, err)
		}
	}
	return nil
}

func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return typeName(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	}
	return ""
}

var basic = map[string]bool{"bool": true, "string": true, "int": true, "int8": true, "int16": true,
	"int32": true, "int64": true, "uint": true, "uint8": true, "uint16": true, "uint32": true,
	"uint64": true, "uintptr": true, "float32": true, "float64": true, "byte": true, "rune": true,
	"error": true}

// crossing types from other packages: package path -> type names
var foreign = map[string]map[string]bool{"time": {"Time": true, "Duration": true}}

// check: can values of type e cross? param: it is a parameter (a context or a database
// may be handed to the answer, never back).
func (a *api) check(e ast.Expr, param bool) error {
	switch t := e.(type) {
	case *ast.Ident:
		if basic[t.Name] {
			return nil
		}
		if a.opaque[t.Name] {
			return fmt.Errorf("%s is opaque: pass it as *%s", t.Name, t.Name)
		}
		if a.types[t.Name] != nil {
			return nil
		}
		return fmt.Errorf("values of type %s cannot cross", t.Name)
	case *ast.StarExpr:
		if ident, ok := t.X.(*ast.Ident); ok && a.opaque[ident.Name] {
			return nil
		}
		if sel, ok := t.X.(*ast.SelectorExpr); ok && a.qualified(sel) == "database/sql.DB" {
			if !param {
				return fmt.Errorf("a *sql.DB can be handed to the answer, not returned")
			}
			return nil
		}
		return a.check(t.X, param)
	case *ast.ArrayType:
		return a.check(t.Elt, param)
	case *ast.Ellipsis:
		return a.check(t.Elt, param)
	case *ast.MapType:
		if err := a.check(t.Key, param); err != nil {
			return err
		}
		return a.check(t.Value, param)
	case *ast.ParenExpr:
		return a.check(t.X, param)
	case *ast.SelectorExpr:
		name := a.qualified(t)
		if name == "context.Context" {
			if !param {
				return fmt.Errorf("a context can be handed to the answer, not returned")
			}
			return nil
		}
		if pkg := foreign[strings.TrimSuffix(name, "."+t.Sel.Name)]; pkg[t.Sel.Name] {
			return nil
		}
		return fmt.Errorf("values of type %s cannot cross", name)
	case *ast.StructType:
		for _, f := range t.Fields.List {
			for _, n := range f.Names {
				if !ast.IsExported(n.Name) {
					return fmt.Errorf("an unnamed struct type with unexported field %s", n.Name)
				}
			}
			if err := a.check(f.Type, param); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("values of type %s cannot cross", a.source(e))
}

func (a *api) qualified(sel *ast.SelectorExpr) string {
	if pkg, ok := sel.X.(*ast.Ident); ok {
		if path, ok := a.imports[pkg.Name]; ok {
			return path + "." + sel.Sel.Name
		}
	}
	return a.source(sel)
}

func (a *api) signature(f *function) error {
	where := f.decl.Name.Name
	if f.recv != "" {
		where = f.recv + "." + where
	}
	for _, field := range f.decl.Type.Params.List {
		n := len(field.Names)
		if n == 0 {
			n = 1
		}
		for i := 0; i < n; i++ {
			if err := a.check(field.Type, true); err != nil {
				return fmt.Errorf("%s: %v", where, err)
			}
			ellipsis, variadic := field.Type.(*ast.Ellipsis)
			typ := field.Type
			if variadic {
				typ = &ast.ArrayType{Elt: ellipsis.Elt}
			}
			f.params = append(f.params, param{typ: typ, variadic: variadic})
		}
	}
	if f.decl.Type.Results != nil {
		for _, field := range f.decl.Type.Results.List {
			n := len(field.Names)
			if n == 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				if err := a.check(field.Type, false); err != nil {
					return fmt.Errorf("%s: %v", where, err)
				}
				f.result = append(f.result, field.Type)
			}
		}
	}
	return nil
}

func (a *api) source(node ast.Node) string {
	var buf bytes.Buffer
	_ = printer.Fprint(&buf, a.fset, node)
	return buf.String()
}

// typeText prints a type expression; with qualify, the reference's own type names are
// written as the answer package's (solution.User).
func (a *api) typeText(e ast.Expr, qualify bool) string {
	switch t := e.(type) {
	case *ast.Ident:
		if qualify && a.types[t.Name] != nil {
			return "solution." + t.Name
		}
		return t.Name
	case *ast.StarExpr:
		return "*" + a.typeText(t.X, qualify)
	case *ast.ArrayType:
		length := ""
		if t.Len != nil {
			length = a.source(t.Len)
		}
		return "[" + length + "]" + a.typeText(t.Elt, qualify)
	case *ast.Ellipsis:
		return "..." + a.typeText(t.Elt, qualify)
	case *ast.MapType:
		return "map[" + a.typeText(t.Key, qualify) + "]" + a.typeText(t.Value, qualify)
	case *ast.ParenExpr:
		return "(" + a.typeText(t.X, qualify) + ")"
	case *ast.StructType:
		var fields []string
		for _, f := range t.Fields.List {
			names := make([]string, len(f.Names))
			for i, n := range f.Names {
				names[i] = n.Name
			}
			line := strings.TrimSpace(strings.Join(names, ", ") + " " + a.typeText(f.Type, qualify))
			if f.Tag != nil {
				line += " " + f.Tag.Value
			}
			fields = append(fields, line)
		}
		return "struct{ " + strings.Join(fields, "; ") + " }"
	}
	return a.source(e)
}

// importLines: the imports the package names of nodes refer to, and extra lines.
func (a *api) importLines(nodes []ast.Node, extra ...string) string {
	used := map[string]bool{}
	for _, node := range nodes {
		ast.Inspect(node, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok && a.imports[pkg.Name] != "" {
					used[pkg.Name] = true
				}
				return false
			}
			return true
		})
	}
	var names []string
	for name := range used {
		names = append(names, name)
	}
	sort.Strings(names)
	lines := append([]string{}, extra...)
	for _, name := range names {
		lines = append(lines, fmt.Sprintf("%s %q", name, a.imports[name]))
	}
	return "import (\n" + strings.Join(lines, "\n") + "\n)\n"
}

// signatures: the parameter and result types of the API's functions and methods.
func (a *api) signatures() []ast.Node {
	var nodes []ast.Node
	for _, f := range a.funcs {
		nodes = append(nodes, f.decl.Type)
	}
	return nodes
}

const header = "// Code generated by llmcode's Go bridge from the case's reference API. DO NOT EDIT.\n\n"

func (a *api) standIn() []byte {
	var b strings.Builder
	nodes := a.signatures()
	for _, spec := range a.types {
		nodes = append(nodes, spec.Type)
	}
	for _, d := range a.consts {
		nodes = append(nodes, d)
	}
	b.WriteString(header + "package solution\n\n" + a.importLines(nodes, bridgeImport))
	b.WriteString("\nfunc init() {\n")
	for _, name := range a.order {
		if a.opaque[name] {
			fmt.Fprintf(&b, "llmcodebridge.Handle(func(r llmcodebridge.Ref) *%[1]s { return &%[1]s{llmcodeRef: r} }, "+
				"func(v *%[1]s) llmcodebridge.Ref { return v.llmcodeRef })\n", name)
		}
	}
	b.WriteString("}\n\n")
	for _, d := range a.consts {
		b.WriteString(a.source(d) + "\n\n")
	}
	for _, name := range a.order {
		spec := a.types[name]
		if a.opaque[name] {
			fmt.Fprintf(&b, "type %s struct{ llmcodeRef llmcodebridge.Ref }\n\n", name)
			continue
		}
		assign := ""
		if spec.Assign.IsValid() {
			assign = "= "
		}
		fmt.Fprintf(&b, "type %s %s%s\n\n", name, assign, a.source(spec.Type))
	}
	for _, f := range a.funcs {
		var params, args, results, outs []string
		for i, p := range f.params {
			typ := a.typeText(p.typ, false)
			if p.variadic {
				typ = "..." + a.typeText(p.typ.(*ast.ArrayType).Elt, false)
			}
			params = append(params, fmt.Sprintf("llmcodeA%d %s", i, typ))
			args = append(args, fmt.Sprintf("&llmcodeA%d", i))
		}
		for i, r := range f.result {
			results = append(results, fmt.Sprintf("llmcodeR%d %s", i, a.typeText(r, false)))
			outs = append(outs, fmt.Sprintf(", &llmcodeR%d", i))
		}
		recv, recvArg, prelude := "", "nil", ""
		if f.recv != "" {
			_, pointer := receiver(f.decl)
			star := ""
			if pointer {
				star = "*"
			}
			recv = fmt.Sprintf("(llmcodeRecv %s%s) ", star, f.recv)
			recvArg = "&llmcodeRecv"
			if a.opaque[f.recv] && !pointer {
				// A value receiver of an opaque type: its reference crosses, as a pointer's.
				prelude, recvArg = "llmcodeRef := &llmcodeRecv\n", "&llmcodeRef"
			}
		}
		fmt.Fprintf(&b, "func %s%s(%s) (%s) {\n%sllmcodebridge.Call(%q, %s, []any{%s}%s)\nreturn\n}\n\n",
			recv, f.decl.Name.Name, strings.Join(params, ", "), strings.Join(results, ", "),
			prelude, qualifiedName(f), recvArg, strings.Join(args, ", "), strings.Join(outs, ""))
	}
	return []byte(b.String())
}

func (a *api) server() []byte {
	var b strings.Builder
	b.WriteString(header + "// The answer's side of the bridge: every function and method of the case's API,\n" +
		"// called with the tests' arguments. A compile error here means the answer's package does\n" +
		"// not declare the API the case asks for, with these exact types.\n" +
		"package main\n\n" + a.importLines(a.signatures(), bridgeImport, `solution "solution"`))
	b.WriteString("\nfunc main() {\n")
	for _, name := range a.order {
		if a.opaque[name] {
			fmt.Fprintf(&b, "llmcodebridge.ServeHandle[solution.%s]()\n", name)
		}
	}
	b.WriteString("llmcodebridge.Serve(map[string]llmcodebridge.Func{\n")
	for _, f := range a.funcs {
		name, target := f.decl.Name.Name, "solution."+f.decl.Name.Name
		fmt.Fprintf(&b, "%q: func(c *llmcodebridge.Invocation) []any {\n", qualifiedName(f))
		if f.recv != "" {
			star := ""
			if a.opaque[f.recv] {
				star = "*" // the answer's object itself, from the table
			}
			fmt.Fprintf(&b, "var recv %ssolution.%s\nc.Recv(&recv)\n", star, f.recv)
			target = "recv." + name
		}
		var args []string
		for i, p := range f.params {
			fmt.Fprintf(&b, "var a%d %s\nc.Arg(%d, &a%d)\n", i, a.typeText(p.typ, true), i, i)
			arg := fmt.Sprintf("a%d", i)
			if p.variadic {
				arg += "..."
			}
			args = append(args, arg)
		}
		var results, pointers []string
		for i, r := range f.result {
			fmt.Fprintf(&b, "var r%d %s\n", i, a.typeText(r, true))
			results = append(results, fmt.Sprintf("r%d", i))
			pointers = append(pointers, fmt.Sprintf("&r%d", i))
		}
		call := fmt.Sprintf("%s(%s)", target, strings.Join(args, ", "))
		if len(results) > 0 {
			call = strings.Join(results, ", ") + " = " + call
		}
		fmt.Fprintf(&b, "%s\nreturn []any{%s}\n},\n", call, strings.Join(pointers, ", "))
	}
	b.WriteString("})\n}\n")
	return []byte(b.String())
}

func qualifiedName(f function) string {
	if f.recv != "" {
		return f.recv + "." + f.decl.Name.Name
	}
	return f.decl.Name.Name
}
