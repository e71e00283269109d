'use strict';

module.exports = Route;

function Route(path) {
  this.path = path;
  this.stack = [];
  this.methods = {};
}

Route.prototype._handles_method = function _handles_method(method) {
  if (this.methods._all) {
    return true;
  }
  var name = typeof method === 'string' ? method.toLowerCase() : method;
  return Boolean(this.methods[name]);
};

Route.prototype.dispatch = function dispatch(req, res, done) {
  var method = req.method.toLowerCase();
  if (!this._handles_method(method)) {
    return done();
  }
  req.route = this;
};
