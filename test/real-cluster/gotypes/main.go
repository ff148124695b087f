// Prints the Go shape of batch/v1 Job, external (k8s.io/api) and internal
// (k8s.io/kubernetes/pkg/apis/batch), as JSON: every struct's fields in declaration
// order with their json tags. The fake apiserver uses it to drop omitempty zero values
// as Go's encoder does, and to print internal values in validation messages as the
// apiserver does (json.Marshal of an internal type uses Go field names).
package main

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/kubernetes/pkg/apis/batch"
)

type field struct {
	Go        string `json:"go"`
	JSON      string `json:"json,omitempty"`
	OmitEmpty bool   `json:"omitempty,omitempty"`
	OmitZero  bool   `json:"omitzero,omitempty"`
	Inline    bool   `json:"inline,omitempty"`
	Type      string `json:"type"`
}

type shape struct {
	Kind   string  `json:"kind"`
	Elem   string  `json:"elem,omitempty"`
	Fields []field `json:"fields,omitempty"`
}

var (
	marshaler = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	types     = map[string]shape{}
)

func name(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + name(t.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes"
		}
		return "[]" + name(t.Elem())
	case reflect.Map:
		return "map[" + name(t.Key()) + "]" + name(t.Elem())
	}
	if t.Name() == "" || t.PkgPath() == "" {
		return t.Kind().String()
	}
	return t.PkgPath() + "." + t.Name()
}

func visit(t reflect.Type) string {
	n := name(t)
	if _, done := types[n]; done {
		return n
	}
	switch {
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice && n != "bytes" || t.Kind() == reflect.Map:
		types[n] = shape{Kind: t.Kind().String()}
		types[n] = shape{Kind: t.Kind().String(), Elem: visit(t.Elem())}
	case t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler):
		types[n] = shape{Kind: "marshaler"}
	case t.Kind() == reflect.Struct:
		types[n] = shape{Kind: "struct"}
		var fields []field
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag, ok := f.Tag.Lookup("json")
			parts := strings.Split(tag, ",")
			if parts[0] == "-" {
				continue
			}
			fd := field{Go: f.Name, Type: visit(f.Type)}
			if ok && parts[0] != "" {
				fd.JSON = parts[0]
			}
			for _, p := range parts[1:] {
				fd.OmitEmpty = fd.OmitEmpty || p == "omitempty"
				fd.OmitZero = fd.OmitZero || p == "omitzero"
				fd.Inline = fd.Inline || p == "inline"
			}
			fd.Inline = fd.Inline || f.Anonymous && fd.JSON == ""
			fields = append(fields, fd)
		}
		types[n] = shape{Kind: "struct", Fields: fields}
	default:
		types[n] = shape{Kind: t.Kind().String()}
	}
	return n
}

func main() {
	roots := map[string]string{
		"external": visit(reflect.TypeOf(batchv1.Job{})),
		"internal": visit(reflect.TypeOf(batch.Job{})),
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(map[string]any{"roots": roots, "types": types}); err != nil {
		panic(err)
	}
}
