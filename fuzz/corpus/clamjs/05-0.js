<!--
var hidden = 'abc';
//-->