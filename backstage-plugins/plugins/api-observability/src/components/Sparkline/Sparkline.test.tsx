import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render, screen } from '@testing-library/react';
import { Sparkline } from './Sparkline';

afterEach(() => cleanup());

const polyline = () => screen.getByRole('img').querySelector('polyline');

test('a series: one point per sample, time left to right, the highest value at the top, zero at the bottom', () => {
  render(<Sparkline points={[[100, 0], [110, 5], [120, 10]]} width={102} height={24} label="Requests over time" />);
  assert.equal(screen.getByRole('img').getAttribute('aria-label'), 'Requests over time');
  // x: 1..101 (width - 2 plus 1); y: height - 2 for the minimum (0), 2 for the maximum
  assert.equal(polyline()?.getAttribute('points'), '1.0,22.0 51.0,12.0 101.0,2.0');
});

test('the y axis starts at zero even when every value is above it; a flat series is drawn across the middle', () => {
  render(<Sparkline points={[[0, 5], [10, 10]]} width={12} height={14} label="p95" />);
  assert.equal(polyline()?.getAttribute('points'), '1.0,7.0 11.0,2.0');
  cleanup();
  render(<Sparkline points={[[0, 0], [10, 0]]} width={12} height={14} label="errors" />);
  assert.equal(polyline()?.getAttribute('points'), '1.0,7.0 11.0,7.0');
});

test('fewer than two points: a dashed baseline, labelled as not enough points', () => {
  for (const points of [[], [[0, 3]]] as [number, number][][]) {
    render(<Sparkline points={points} label="Errors over time" />);
    const svg = screen.getByRole('img');
    assert.equal(svg.getAttribute('aria-label'), 'Errors over time: not enough points');
    assert.equal(svg.querySelector('polyline'), null);
    assert.equal(svg.querySelector('line')?.getAttribute('stroke-dasharray'), '3 3');
    cleanup();
  }
});
