// Types for nginx.mjs.
import type { GatewayOptions } from './render.mjs';

export function nginxBinary(): string;
export function writeNginxConfig(options: GatewayOptions): string;
export function nginxArgs(runDir: string, configPath: string): string[];
export function testNginxConfig(runDir: string, configPath: string): void;
