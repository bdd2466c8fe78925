package config

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decodeYAML reads a configuration file into cfg key by key, so that every
// problem is found in one go and each names its key: an unknown key (with
// the known key it is most likely a typo of), a value of the wrong type, a
// key given twice. Keys the file leaves out keep what cfg has.
func decodeYAML(data []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config: the file is not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil // an empty file
	}
	var errs []error
	decodeNode(doc.Content[0], reflect.ValueOf(cfg).Elem(), "", &errs)
	return errors.Join(errs...)
}

var (
	durationType        = reflect.TypeFor[time.Duration]()
	unmarshalerType     = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func decodeNode(n *yaml.Node, v reflect.Value, key string, errs *[]error) {
	bad := func(format string, args ...any) {
		*errs = append(*errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		return // "key:" with nothing: the default stays
	}
	t := v.Type()
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType):
		if err := n.Decode(v.Addr().Interface()); err != nil {
			bad("%s", strings.TrimPrefix(err.Error(), "yaml: "))
		}
	case reflect.PointerTo(t).Implements(textUnmarshalerType) && n.Kind == yaml.ScalarNode:
		// A value type that reads itself from text (order.Decimal).
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			bad("%v", err)
		}
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("must hold keys (%s), not %s", describeKeys(key, t), describeNode(n))
			return
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			sub := join(key, kn.Value)
			if line, ok := seen[kn.Value]; ok {
				*errs = append(*errs, fmt.Errorf("config: %s: appears twice (lines %d and %d)", sub, line, kn.Line))
				continue
			}
			seen[kn.Value] = kn.Line
			f, ok := fieldByKey(t, kn.Value)
			if !ok {
				msg := "unknown key"
				if s := closest(kn.Value, yamlKeys(t)); s != "" {
					msg += " (did you mean " + join(key, s) + "?)"
				} else {
					msg += " (" + describeKeys(key, t) + ")"
				}
				*errs = append(*errs, fmt.Errorf("config: %s: %s", sub, msg))
				continue
			}
			decodeNode(vn, v.FieldByIndex(f.Index), sub, errs)
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		if n.Kind != yaml.SequenceNode {
			bad("must be a list (lines starting with -), not %s", describeNode(n))
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, item := range n.Content {
			decodeNode(item, s.Index(i), fmt.Sprintf("%s[%d]", key, i), errs)
		}
		v.Set(s)
	default:
		if err := n.Decode(v.Addr().Interface()); err != nil {
			bad("%s", wrongValue(n, t))
		}
	}
}

// wrongValue says in words what a value should have been.
func wrongValue(n *yaml.Node, t reflect.Type) string {
	got := describeNode(n)
	switch {
	case t == durationType:
		return got + " is not a duration (write it like 500ms, 10s or 2m)"
	case t.Kind() == reflect.Bool:
		return got + " is not true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return got + " is not a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return got + " is not a number"
	case t.Kind() == reflect.Map:
		return "must hold pairs such as {PCE: PCS}, not " + got
	case t.Kind() == reflect.Slice:
		return "must be a list, not " + got
	}
	return "must be a single value, not " + got
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a set of keys"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

func join(key, sub string) string {
	if key == "" {
		return sub
	}
	return key + "." + sub
}

// fieldByKey finds the field of struct t whose yaml key is k.
func fieldByKey(t reflect.Type, k string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && yamlName(f) == k {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && yamlName(f) != "-" {
			keys = append(keys, yamlName(f))
		}
	}
	return keys
}

func describeKeys(key string, t reflect.Type) string {
	keys := yamlKeys(t)
	sort.Strings(keys)
	where := "here"
	if key != "" {
		where = key
	}
	return where + " has: " + strings.Join(keys, ", ")
}

// closest returns the known key k is most likely a typo of (one edit away,
// two for keys longer than four letters), or "".
func closest(k string, known []string) string {
	best, bestD := "", 2
	if len(k) > 4 {
		bestD = 3
	}
	for _, c := range known {
		if d := editDistance(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
