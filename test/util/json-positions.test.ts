import { jsonSyntaxError, MAX_JSON_DEPTH, scanJson } from '../../src/util/json-positions';

describe('JSON with positions (jsonc-parser, strict)', () => {
  const valid = ['{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n\\"x"],"b":{}}', '[]', '"s"', '0', ' {"__proto__": {"x": 1}} ', '\ufeff[1]', '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)];
  const invalid = ['{"a":1,}', '[1 2]', '01', '{"a" 1}', '"\t"', 'nul', '[1]x', '', '{', '"abc', '"a\\qb"', '-', '1.', '// c\n1', '/* x */ 1', "{'a':1}", '[1,]', 'NaN', '[' .repeat(MAX_JSON_DEPTH + 1)];

  it('accepts exactly what JSON.parse accepts', () => {
    for (const t of valid) {
      expect(() => JSON.parse(t.replace(/^\ufeff/, ''))).not.toThrow();
      expect(scanJson(t).error).toBeUndefined();
    }
    for (const t of invalid) {
      expect(() => JSON.parse(t)).toThrow();
      expect(scanJson(t).error).toBeDefined();
    }
  });

  it('names the offending offset and what is wrong', () => {
    expect(jsonSyntaxError('{"a":1,}')).toEqual({ offset: 7, message: 'expected a property name in double quotes' });
    expect(jsonSyntaxError('{"a":"x\ny"}')).toEqual({ offset: 7, message: 'control character in string' });
    expect(jsonSyntaxError('"a\\qb"')).toEqual({ offset: 2, message: 'invalid escape in string' });
    expect(jsonSyntaxError('[1 2]')).toEqual({ offset: 3, message: "expected ',' or ']'" });
    expect(jsonSyntaxError('{"a":1]')).toEqual({ offset: 6, message: "expected ',' or '}'" });
    expect(jsonSyntaxError('{} x')).toEqual({ offset: 3, message: 'unexpected data after the JSON value' });
    expect(jsonSyntaxError('{"tool": }')).toEqual({ offset: 9, message: "unexpected '}'" });
    expect(jsonSyntaxError('{"a":')).toEqual({ offset: 5, message: 'unexpected end of input' });
    expect(jsonSyntaxError('"abc')).toEqual({ offset: 0, message: 'unterminated string' });
    expect(jsonSyntaxError('// c\n1')).toEqual({ offset: 0, message: 'comments are not allowed in JSON' });
    expect(jsonSyntaxError('\ufeff{"a":}')).toEqual({ offset: 6, message: "unexpected '}'" });
    expect(jsonSyntaxError('['.repeat(100000))).toEqual({ offset: MAX_JSON_DEPTH, message: 'nesting too deep' });
  });

  it('records where the values at the wanted JSON pointers start', () => {
    const t = '{"runs":[{"a":1,"b":[true,{"c/d":"x"}]}],"__proto__":{"x":1}}';
    const all = scanJson(t, () => true).offsets;
    for (const [ptr, off] of all) {
      const v = ptr.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~')).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], JSON.parse(t));
      expect(JSON.parse(t.slice(off, off + JSON.stringify(v).length))).toEqual(v);
    }
    expect([...all.keys()]).toEqual(['', '/runs', '/runs/0', '/runs/0/a', '/runs/0/b', '/runs/0/b/0', '/runs/0/b/1', '/runs/0/b/1/c~1d', '/__proto__', '/__proto__/x']);
    expect([...scanJson(t, (p) => p === '/runs/0/b').offsets]).toEqual([['/runs/0/b', 20]]);
  });
});
