const f = function (a) {};
const g = x => x;
class A { handle = () => {}; #priv() {} static s(a = 1, {b}) {} }
export { f as default } from "./m";
function* gen() {}
const {x, y} = obj;
