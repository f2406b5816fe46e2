//! [`Patch`]: one field of an update, which may be left as it is, cleared, or set.

/// A nullable field of an update: left out ([`Patch::Unchanged`]), cleared ([`Patch::Clear`]),
/// or given a value ([`Patch::Set`]). In GraphQL a field left out is unchanged and `null`
/// clears it; a form or the command line builds the same three cases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Unchanged,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    /// The value being set, if any.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some` sets, `None` clears: a form's field is always sent, so empty means clear.
    fn from(v: Option<T>) -> Self {
        v.map_or(Patch::Clear, Patch::Set)
    }
}

impl<T> From<Patch<T>> for Option<Option<T>> {
    /// `None` when unchanged, `Some(None)` to clear, `Some(Some(v))` to set.
    fn from(p: Patch<T>) -> Self {
        match p {
            Patch::Unchanged => None,
            Patch::Clear => Some(None),
            Patch::Set(v) => Some(Some(v)),
        }
    }
}

/// A `Patch<T>` is GraphQL's nullable `T`: absent, `null` or a value.
#[cfg(feature = "graphql")]
mod graphql {
    use std::borrow::Cow;

    use async_graphql::registry::Registry;
    use async_graphql::{InputType, InputValueError, InputValueResult, Value};

    use super::Patch;

    impl<T: InputType> InputType for Patch<T> {
        type RawValueType = T::RawValueType;

        fn type_name() -> Cow<'static, str> {
            T::type_name()
        }

        fn qualified_type_name() -> String {
            T::type_name().to_string()
        }

        fn create_type_info(registry: &mut Registry) -> String {
            T::create_type_info(registry);
            T::type_name().to_string()
        }

        fn parse(value: Option<Value>) -> InputValueResult<Self> {
            match value {
                None => Ok(Patch::Unchanged),
                Some(Value::Null) => Ok(Patch::Clear),
                Some(v) => Ok(Patch::Set(
                    T::parse(Some(v)).map_err(InputValueError::propagate)?,
                )),
            }
        }

        fn to_value(&self) -> Value {
            match self {
                Patch::Set(v) => v.to_value(),
                _ => Value::Null,
            }
        }

        fn as_raw_value(&self) -> Option<&Self::RawValueType> {
            self.as_set().and_then(InputType::as_raw_value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Patch;

    #[test]
    fn a_form_value_sets_and_an_empty_one_clears() {
        assert_eq!(Patch::from(Some(3)), Patch::Set(3));
        assert_eq!(Patch::<i32>::from(None), Patch::Clear);
        assert_eq!(Patch::<i32>::default(), Patch::Unchanged);
        assert_eq!(Patch::Set(3).as_set(), Some(&3));
        assert_eq!(Patch::<i32>::Clear.as_set(), None);
        assert_eq!(Option::<Option<i32>>::from(Patch::Unchanged), None);
        assert_eq!(Option::<Option<i32>>::from(Patch::Clear), Some(None));
        assert_eq!(Option::<Option<i32>>::from(Patch::Set(2)), Some(Some(2)));
    }
}
