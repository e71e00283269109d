import fs from "fs";
import { join as j, dirname } from 'path';
import * as util from "./util";
const cfg = require("./cfg");
export const MAX = 5;
let counter = 0;
export interface Store { get(key: string): string; }
export type ID = string | number;
export enum Color { Red }
namespace NS { export function inner() {} }
export default class Cache<T> extends Base implements Store {
  private items = new Map<string, T>();
  get(key: string): string {
    return this.items.get(key) ?? util.fallback(key);
  }
  static create() { return new Cache(); }
}
export function top(a: number, b = 2): number { return Math.max(a, b); }
const arrow = async (x) => { await fetch(x); };
abstract class A { abstract run(): void; }
