// comment with	tab then code
var abc = 1; // x y
z = abc;