'use strict';
// Plain data across the container boundary: JSON, plus undefined and non-finite numbers.
// Only arrays and objects whose prototype is Object.prototype (or null) pass: class
// instances, Maps, functions, symbols and bigints are rejected, never compared.

const RESERVED = ['__tuple__', '__number__', '__undefined__'];
const MAX_DEPTH = 2000;

class NotPlainData extends TypeError {}

function encode(value, depth = 0) {
  if (depth > MAX_DEPTH) throw new NotPlainData('value nested too deeply');
  if (value === undefined) return { __undefined__: true };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : { __number__: String(value) };
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) throw new NotPlainData('an Array subclass is not plain data');
    const out = [];
    for (let i = 0; i < value.length; i++) out.push(encode(value[i], depth + 1));
    return out;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (proto && proto.constructor && proto.constructor.name) || 'object';
      throw new NotPlainData(`${name} is not plain data`);
    }
    const keys = Object.keys(value);
    if (keys.length === 1 && RESERVED.includes(keys[0])) throw new NotPlainData('key reserved by the transport');
    const out = {};
    for (const key of keys) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!('value' in descriptor)) throw new NotPlainData(`property ${key} is a getter`);
      out[key] = encode(descriptor.value, depth + 1);
    }
    return out;
  }
  throw new NotPlainData(`${typeof value} is not plain data`);
}

function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      if (keys[0] === '__undefined__') return undefined;
      if (keys[0] === '__number__') return Number(value.__number__);
      if (keys[0] === '__tuple__') return value.__tuple__.map(decode);
    }
    const out = {};
    for (const key of keys) out[key] = decode(value[key]);
    return out;
  }
  return value;
}

module.exports = { encode, decode, NotPlainData };
