import type { Plugin } from 'esbuild';

// The types of deploy/esbuild-plugins.js, for the TypeScript that imports it.
declare const plugins: Plugin[];
export default plugins;
export declare function buildAppJs(): string;
