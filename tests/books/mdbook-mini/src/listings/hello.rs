# #![allow(unused)]
// ANCHOR: main
fn main() {
    println!("Hello, Cargo!");
}
// ANCHOR_END: main
