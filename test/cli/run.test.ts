import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stylegraph } from './run-cli.js';

const example = 'examples/seed-statistics.graph.json';
const tmp = () => mkdtempSync(join(tmpdir(), 'stylegraph-run-'));

describe('stylegraph run', () => {
  it('runs the example quietly, writes its report and exits 0', () => {
    const out = tmp();
    const r = stylegraph(['run', example, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'seed-statistics.json'), 'utf8'));
    // np.random.RandomState(6600).randn(1, 512): mean and std (ddof 0) as NumPy computes them.
    expect(report.mean).toBeCloseTo(0.03293341519257481, 12);
    expect(report.std).toBeCloseTo(0.9560761809106118, 12);
    // No temporary files are left next to the output.
    expect(readdirSync(out)).toEqual(['seed-statistics.json']);
  });

  it('prints a machine-readable report with --json and writes JUnit XML with --junit', () => {
    const out = tmp();
    const junit = join(out, 'reports', 'junit.xml');
    const r = stylegraph(['run', example, '--out', out, '--json', '--junit', junit]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ status: 'ok', exitCode: 0, counts: { ran: 8, failed: 0 } });
    expect(report.outputs['save.path']).toContain('seed-statistics.json');
    expect(report.nodes.z.status).toBe('done');
    expect(typeof report.nodes.z.ms).toBe('number');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="seed-statistics" tests="8" failures="0"');
    expect(xml).toContain('<testcase name="stdNearOne" classname="seed-statistics.std/Assert"');
  });

  it('exits 1 and names the failing assertion when a --set makes it fail', () => {
    const out = tmp();
    const junit = join(out, 'junit.xml');
    const r = stylegraph(['run', example, '--out', out, '--set', 'stdNearOne.than=2', '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('node "stdNearOne" (std/Assert) failed: ASSERTION_FAILED: z should have std ≈ 1: expected std == 2 ± 0.1, but std = 0.956');
    // The other branches still finished.
    expect(existsSync(join(out, 'seed-statistics.json'))).toBe(true);
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure message="z should have std[^"]*" type="ASSERTION_FAILED">/);
  });

  it('a --set changes the seed and therefore the numbers', () => {
    const out = tmp();
    const r = stylegraph(['run', example, '--out', out, '--set', 'z.seed=0', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'seed-statistics.json'), 'utf8'));
    expect(report.mean).toBeCloseTo(-0.02578754955470152, 12);
  });

  it('exits 2 without running anything on an invalid graph or a bad --set', () => {
    const out = tmp();
    const r = stylegraph(['run', example, '--out', out, '--set', 'z.seed=-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error PARAM_INVALID node "z" param "seed"');
    expect(existsSync(out) && readdirSync(out).length).toBe(0);
    const s = stylegraph(['run', example, '--out', out, '--set', 'nobody.seed=1']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('the graph has no node "nobody"');
    expect(stylegraph(['run', example, '--backend', 'quantum']).code).toBe(2);
  });

  it('names the install step when the requested backend is not available, and runs on cpu', () => {
    const out = tmp();
    const cuda = stylegraph(['run', example, '--out', out, '--backend', 'cuda']);
    expect(cuda.code).toBe(2);
    expect(cuda.stderr).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node');
    expect(stylegraph(['run', example, '--out', out, '--backend', 'cpu']).code).toBe(0);
  });
});

describe('stylegraph nodes', () => {
  it('lists every node type with ports and complete param JSON Schemas', () => {
    const r = stylegraph(['nodes', '--json']);
    expect(r.code).toBe(0);
    const { nodes, plugins } = JSON.parse(r.stdout);
    expect(plugins).toContainEqual({ name: '@stylegraph/plugin-std', version: '0.1.0', apiVersion: 2, namespace: 'std' });
    const types = nodes.map((n: { type: string }) => n.type);
    expect(types).toEqual(expect.arrayContaining(['std/Assert', 'std/Constant', 'std/Math', 'std/RandomNormal', 'std/Report', 'std/SaveReport', 'std/Statistic']));
    const rn = nodes.find((n: { type: string }) => n.type === 'std/RandomNormal');
    expect(rn.params.properties.seed).toMatchObject({ type: 'integer', minimum: 0, maximum: 4294967295, default: 0 });
    expect(rn.params.properties.seed.description).toBeTruthy();
    expect(rn.outputs.tensor).toMatchObject({ type: 'Tensor', kindTitle: 'Tensor', display: 'Tensor', color: '#c0c4cc' });
    expect(rn.params.properties.seed.widget).toBe('seed');
    const text = stylegraph(['nodes']);
    expect(text.stdout).toContain('std/Assert v1');
  });
});
