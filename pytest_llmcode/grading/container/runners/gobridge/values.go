package bridge

import (
	"database/sql/driver"
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// A database value (driver.Value: nil, int64, float64, bool, []byte, string, time.Time) as
// plain data, and back.

func encodeValue(v driver.Value) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return map[string]any{"float": strconv.FormatFloat(x, 'g', -1, 64)}, nil
		}
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64)), nil
	case bool:
		return x, nil
	case []byte:
		return map[string]any{"bytes": base64.StdEncoding.EncodeToString(x)}, nil
	case string:
		if utf8.ValidString(x) {
			return x, nil
		}
		return map[string]any{"string_bytes": base64.StdEncoding.EncodeToString([]byte(x))}, nil
	case time.Time:
		return map[string]any{"time": x.Format(time.RFC3339Nano)}, nil
	}
	return nil, faultf("a database value of type %T cannot cross", v)
}

func decodeValue(raw any) (driver.Value, error) {
	switch x := raw.(type) {
	case nil, bool, string:
		return x, nil
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, nil
		}
		return strconv.ParseFloat(string(x), 64)
	case map[string]any:
		if text, ok := x["float"].(string); ok {
			return strconv.ParseFloat(text, 64)
		}
		if text, ok := x["bytes"].(string); ok {
			return base64.StdEncoding.DecodeString(text)
		}
		if text, ok := x["string_bytes"].(string); ok {
			data, err := base64.StdEncoding.DecodeString(text)
			return string(data), err
		}
		if text, ok := x["time"].(string); ok {
			return time.Parse(time.RFC3339Nano, text)
		}
	}
	return nil, faultf("%s is not a database value", describe(raw))
}

func encodeValues(values []driver.Value) ([]any, error) {
	out := make([]any, len(values))
	for i, v := range values {
		var err error
		if out[i], err = encodeValue(v); err != nil {
			return nil, err
		}
	}
	return out, nil
}
