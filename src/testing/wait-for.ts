// The test kit's waitFor is the transport's own polling helper: one implementation, no test-kit code at run time.
export { waitFor, type WaitForOptions } from '../polling/wait-for.js';
