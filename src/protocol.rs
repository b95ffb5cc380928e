//! HTTP request methods and the per-path-class mix of them.

use serde::{Deserialize, Serialize};

/// An HTTP request method, as CloudFront distinguishes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Method {
    /// GET.
    Get,
    /// HEAD.
    Head,
    /// OPTIONS.
    Options,
    /// PUT.
    Put,
    /// POST.
    Post,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// All methods, in the order of [`MethodMix`]'s fields.
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Head,
        Method::Options,
        Method::Put,
        Method::Post,
        Method::Patch,
        Method::Delete,
    ];

    /// Whether a response to this method may be stored. CloudFront always caches GET
    /// and HEAD and never PUT, POST, PATCH or DELETE; OPTIONS caching is a per-behavior
    /// choice that arrives with cache behaviors, so until then OPTIONS is proxied.
    pub fn cacheable(self) -> bool {
        matches!(self, Method::Get | Method::Head)
    }

    /// Whether the response carries the object's body to the viewer.
    pub fn has_body(self) -> bool {
        self != Method::Head
    }
}

/// Relative weights of each method in a path class's requests; they must sum to 1.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MethodMix {
    /// Share of GET.
    pub get: f64,
    /// Share of HEAD.
    pub head: f64,
    /// Share of OPTIONS.
    pub options: f64,
    /// Share of PUT.
    pub put: f64,
    /// Share of POST.
    pub post: f64,
    /// Share of PATCH.
    pub patch: f64,
    /// Share of DELETE.
    pub delete: f64,
}

impl Default for MethodMix {
    fn default() -> Self {
        MethodMix {
            get: 1.0,
            head: 0.0,
            options: 0.0,
            put: 0.0,
            post: 0.0,
            patch: 0.0,
            delete: 0.0,
        }
    }
}

impl MethodMix {
    /// The weights in [`Method::ALL`] order.
    pub fn weights(&self) -> [f64; 7] {
        [
            self.get,
            self.head,
            self.options,
            self.put,
            self.post,
            self.patch,
            self.delete,
        ]
    }
}
