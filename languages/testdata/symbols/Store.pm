package Acme::Store;
use strict;
use JSON::PP;
my $MAX = 5;
sub new {
    my ($class, %args) = @_;
    return bless { db => $args{db} }, $class;
}
sub get {
    my ($self, $key) = @_;
    # fetch it
    return $self->{db}->fetch($key) || Acme::Util::format($key);
}
1;
