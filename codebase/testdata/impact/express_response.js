'use strict';

var http = require('http');

var res = Object.create(http.ServerResponse.prototype);

module.exports = res;

res.status = function status(code) {
  this.statusCode = code;
  return this;
};

res.location = function location(url) {
  var loc = url;
  if (url === 'back') {
    loc = this.req.get('Referrer') || '/';
  }
  return this.set('Location', encodeURI(loc));
};

res.redirect = function redirect(url) {
  var address = url;
  var status = 302;
  address = this.location(address).get('Location');
  this.statusCode = status;
};
