// Vitest setup: DOM cleanup between component tests, and a pause at the end so Preact's deferred effects finish before jsdom goes away.
import { cleanup } from '@testing-library/preact';
import { afterAll, afterEach } from 'vitest';

afterEach(() => cleanup());
afterAll(() => new Promise((resolve) => setTimeout(resolve, 150)));
