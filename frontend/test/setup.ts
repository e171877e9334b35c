// Test setup: unmount rendered trees between tests and start each test with empty storage (jsdom; a test file
// in the node environment, such as the bundle budget, has neither).
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
  if (typeof localStorage === 'undefined') return;
  localStorage.clear();
  sessionStorage.clear();
});
