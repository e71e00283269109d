'use strict';

var Route = require('./route');

var proto = module.exports = function(options) {
  function router(req, res, next) {
    router.handle(req, res, next);
  }
  router.stack = [];
  return router;
};

proto.route = function route(path) {
  var route = new Route(path);
  this.stack.push(route);
  return route;
};

proto.handle = function handle(req, res, out) {
  var route = this.stack[0];
  var has_method = route._handles_method(req.method);
  if (has_method) {
    route.dispatch(req, res, out);
  }
};

// A layer has a dispatch of its own, which is not the route's.
function Layer(fn) {
  this.handle = fn;
}

Layer.prototype.dispatch = function dispatch(req) {
  return this.handle(req);
};

Layer.prototype.run = function run(req) {
  return this.dispatch(req);
};
