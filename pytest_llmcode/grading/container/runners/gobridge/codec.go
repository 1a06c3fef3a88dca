// Package bridge carries calls between a Go case's hidden tests and the answer, each in a
// process and container of its own. The tests are compiled against a generated stand-in of
// the `solution` package (gen/) whose every function and method forwards its call, as
// plain data, to a generated server around the answer's own package.
//
// What crosses: booleans, numbers, strings, slices, arrays, maps, pointers and structs of
// those (exported fields, by name), time.Time, errors (their message), context.Context
// (whether it is done, and its deadline), pointers to the case's opaque types (a handle:
// the object stays in the answer's process) and *sql.DB (the answer gets a database whose
// driver forwards every query back to the tests' own database, and whose pool settings
// are mirrored onto it). Nothing else: a function, a channel or an interface value that is
// not an error is refused with a message.
package bridge

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// Fault is a value that cannot cross the boundary, or a message that is not the bridge's.
type Fault struct{ Message string }

func (f *Fault) Error() string { return f.Message }

func faultf(format string, args ...any) *Fault {
	return &Fault{fmt.Sprintf(format, args...)}
}

var (
	errorType   = reflect.TypeOf((*error)(nil)).Elem()
	contextType = reflect.TypeOf((*context.Context)(nil)).Elem()
	timeType    = reflect.TypeOf(time.Time{})
	dbType      = reflect.TypeOf((*sql.DB)(nil))
)

// side is what differs between the two ends: handles, databases and contexts.
type side interface {
	encodeHandle(v reflect.Value) (any, bool, error)
	decodeHandle(ref string, t reflect.Type) (reflect.Value, bool, error)
	encodeDB(db *sql.DB) (any, error)
	decodeDB(raw map[string]any) (*sql.DB, error)
	decodeContext(raw map[string]any) (context.Context, error)
}

const maxDepth = 1000

// encode turns the value v points to into plain data (JSON's values, tagged objects).
func encode(s side, v reflect.Value, depth int) (any, error) {
	if depth > maxDepth {
		return nil, faultf("value nested too deeply")
	}
	t := v.Type()
	switch {
	case t == contextType:
		return encodeContext(v), nil
	case t == errorType:
		if v.IsNil() {
			return nil, nil
		}
		return map[string]any{"error": v.Interface().(error).Error()}, nil
	case t == dbType:
		if v.IsNil() {
			return nil, nil
		}
		return s.encodeDB(v.Interface().(*sql.DB))
	case t == timeType:
		return map[string]any{"time": v.Interface().(time.Time).Format(time.RFC3339Nano)}, nil
	}
	if raw, ok, err := s.encodeHandle(v); ok || err != nil {
		return raw, err
	}
	switch t.Kind() {
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return json.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return map[string]any{"float": strconv.FormatFloat(f, 'g', -1, 64)}, nil
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	case reflect.String:
		if utf8.ValidString(v.String()) {
			return v.String(), nil
		}
		return map[string]any{"bytes": base64.StdEncoding.EncodeToString([]byte(v.String()))}, nil
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"bytes": base64.StdEncoding.EncodeToString(v.Bytes())}, nil
		}
		return encodeList(s, v, depth)
	case reflect.Array:
		return encodeList(s, v, depth)
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		pairs := make([]any, 0, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			key, err := encode(s, iter.Key(), depth+1)
			if err != nil {
				return nil, err
			}
			value, err := encode(s, iter.Value(), depth+1)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, []any{key, value})
		}
		return map[string]any{"map": pairs}, nil
	case reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		inner, err := encode(s, v.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		return map[string]any{"ptr": inner}, nil
	case reflect.Struct:
		fields := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			field := t.Field(i)
			if !field.IsExported() {
				continue
			}
			value, err := encode(s, v.Field(i), depth+1)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", field.Name, err)
			}
			fields[field.Name] = value
		}
		return map[string]any{"struct": fields}, nil
	case reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
	}
	return nil, faultf("a value of type %s cannot cross between the tests and the answer", t)
}

func encodeList(s side, v reflect.Value, depth int) (any, error) {
	items := make([]any, v.Len())
	for i := range items {
		item, err := encode(s, v.Index(i), depth+1)
		if err != nil {
			return nil, err
		}
		items[i] = item
	}
	return items, nil
}

func encodeContext(v reflect.Value) any {
	if v.IsNil() {
		return nil
	}
	ctx := v.Interface().(context.Context)
	raw := map[string]any{}
	if err := ctx.Err(); err != nil {
		raw["err"] = err.Error()
	}
	if deadline, ok := ctx.Deadline(); ok {
		raw["deadline"] = deadline.Format(time.RFC3339Nano)
	}
	return map[string]any{"ctx": raw}
}

// decode sets the value `into` points to (addressable) from plain data.
func decode(s side, raw any, into reflect.Value, depth int) error {
	if depth > maxDepth {
		return faultf("value nested too deeply")
	}
	t := into.Type()
	if raw == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			into.Set(reflect.Zero(t))
			return nil
		}
		return faultf("null where a %s was expected", t)
	}
	tagged, _ := raw.(map[string]any)
	switch {
	case t == contextType:
		ctx, err := s.decodeContext(field(tagged, "ctx"))
		if err != nil {
			return err
		}
		into.Set(reflect.ValueOf(&ctx).Elem())
		return nil
	case t == errorType:
		message, ok := tagged["error"].(string)
		if !ok {
			return faultf("%s where an error was expected", describe(raw))
		}
		into.Set(reflect.ValueOf(&RemoteError{message}).Convert(errorType))
		return nil
	case t == dbType:
		db, err := s.decodeDB(field(tagged, "db"))
		if err != nil {
			return err
		}
		into.Set(reflect.ValueOf(db))
		return nil
	case t == timeType:
		text, _ := tagged["time"].(string)
		when, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return faultf("%s where a time.Time was expected", describe(raw))
		}
		into.Set(reflect.ValueOf(when))
		return nil
	}
	if ref, ok := tagged["ref"].(string); ok {
		handle, ok, err := s.decodeHandle(ref, t)
		if err != nil {
			return err
		}
		if ok {
			into.Set(handle)
			return nil
		}
	}
	switch t.Kind() {
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return mismatch(raw, t)
		}
		into.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := raw.(json.Number)
		i, err := strconv.ParseInt(string(n), 10, t.Bits())
		if !ok || err != nil {
			return mismatch(raw, t)
		}
		into.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, ok := raw.(json.Number)
		u, err := strconv.ParseUint(string(n), 10, t.Bits())
		if !ok || err != nil {
			return mismatch(raw, t)
		}
		into.SetUint(u)
	case reflect.Float32, reflect.Float64:
		text := ""
		if n, ok := raw.(json.Number); ok {
			text = string(n)
		} else if special, ok := tagged["float"].(string); ok {
			text = special
		}
		f, err := strconv.ParseFloat(text, t.Bits())
		if err != nil {
			return mismatch(raw, t)
		}
		into.SetFloat(f)
	case reflect.String:
		if text, ok := raw.(string); ok {
			into.SetString(text)
			return nil
		}
		data, err := bytesOf(tagged)
		if err != nil {
			return mismatch(raw, t)
		}
		into.SetString(string(data))
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			data, err := bytesOf(tagged)
			if err != nil {
				return mismatch(raw, t)
			}
			into.SetBytes(data)
			return nil
		}
		items, ok := raw.([]any)
		if !ok {
			return mismatch(raw, t)
		}
		list := reflect.MakeSlice(t, len(items), len(items))
		for i, item := range items {
			if err := decode(s, item, list.Index(i), depth+1); err != nil {
				return err
			}
		}
		into.Set(list)
	case reflect.Array:
		items, ok := raw.([]any)
		if !ok || len(items) != t.Len() {
			return mismatch(raw, t)
		}
		for i, item := range items {
			if err := decode(s, item, into.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		pairs, ok := tagged["map"].([]any)
		if !ok {
			return mismatch(raw, t)
		}
		m := reflect.MakeMapWithSize(t, len(pairs))
		for _, pair := range pairs {
			kv, ok := pair.([]any)
			if !ok || len(kv) != 2 {
				return mismatch(raw, t)
			}
			key, value := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			if err := decode(s, kv[0], key, depth+1); err != nil {
				return err
			}
			if err := decode(s, kv[1], value, depth+1); err != nil {
				return err
			}
			m.SetMapIndex(key, value)
		}
		into.Set(m)
	case reflect.Pointer:
		inner, ok := tagged["ptr"]
		if !ok {
			return mismatch(raw, t)
		}
		target := reflect.New(t.Elem())
		if err := decode(s, inner, target.Elem(), depth+1); err != nil {
			return err
		}
		into.Set(target)
	case reflect.Struct:
		fields, ok := tagged["struct"].(map[string]any)
		if !ok {
			return mismatch(raw, t)
		}
		// Fields the other side has and this one lacks are left out, as a test that never
		// names them could not tell them apart either.
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			value, present := fields[f.Name]
			if !f.IsExported() || !present {
				continue
			}
			if err := decode(s, value, into.Field(i), depth+1); err != nil {
				return fmt.Errorf("field %s: %w", f.Name, err)
			}
		}
	default:
		return faultf("a value of type %s cannot cross between the tests and the answer", t)
	}
	return nil
}

func field(tagged map[string]any, name string) map[string]any {
	inner, _ := tagged[name].(map[string]any)
	return inner
}

func bytesOf(tagged map[string]any) ([]byte, error) {
	text, ok := tagged["bytes"].(string)
	if !ok {
		return nil, faultf("no bytes")
	}
	return base64.StdEncoding.DecodeString(text)
}

func mismatch(raw any, t reflect.Type) error {
	return faultf("%s where a %s was expected", describe(raw), t)
}

func describe(raw any) string {
	text, _ := json.Marshal(raw)
	if len(text) > 80 {
		text = append(text[:77], "..."...)
	}
	return string(text)
}

// RemoteError is an error value the other side returned: its message crossed, its type did
// not.
type RemoteError struct{ Message string }

func (e *RemoteError) Error() string { return e.Message }

// contextFrom rebuilds a context from what encodeContext sent: done or not, and its
// deadline. The returned cancel function releases it.
func contextFrom(raw map[string]any) (context.Context, context.CancelFunc) {
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if text, ok := raw["deadline"].(string); ok {
		if deadline, err := time.Parse(time.RFC3339Nano, text); err == nil {
			ctx, cancel = context.WithDeadline(ctx, deadline)
		}
	}
	switch raw["err"] {
	case context.Canceled.Error():
		var cancelNow context.CancelFunc
		ctx, cancelNow = context.WithCancel(ctx)
		cancelNow()
	case context.DeadlineExceeded.Error():
		cancel()
		ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
	}
	return ctx, cancel
}
