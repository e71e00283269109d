use std::collections::HashMap;
use crate::util::{fmt as f, helper};
pub const MAX: usize = 5;
static mut COUNT: u32 = 0;
pub struct Cache<T> { items: HashMap<String, T> }
pub trait Getter { fn get(&self, key: &str) -> Option<String>; }
impl<T: Clone> Getter for Cache<T> {
    fn get(&self, key: &str) -> Option<String> {
        self.items.get(key).map(|v| util::fmt::show(v)).or(Cache::<T>::fallback())
    }
}
mod inner { pub fn run() {} }
pub enum Color { Red }
type Alias = u32;
macro_rules! m { () => {} }
