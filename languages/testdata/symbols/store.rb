require "json"
require_relative "../lib/util"
module Acme
  MAX = 5
  class Store < Base
    include Enumerable
    attr_reader :items
    def initialize(db)
      @db = db
    end
    def get(key, default = nil)
      @db.fetch(key) || Util::Format.call(key) || helper
    end
    def self.create = new(nil)
    private
    def helper; end
  end
end
