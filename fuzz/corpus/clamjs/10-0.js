
var crlf = 'line';
var two = 2;
