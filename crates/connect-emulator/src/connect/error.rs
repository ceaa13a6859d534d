//! The errors the emulator answers, as Connect sends them: a status code, the `x-amzn-ErrorType` header naming the
//! code and a JSON body `{"Message": …}`, which `aws-sdk-connect` decodes into its typed error variants.

use std::fmt;

/// A Connect error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `ResourceNotFoundException`, 404.
    ResourceNotFound,
    /// `DuplicateResourceException`, 409.
    DuplicateResource,
    /// `InvalidParameterException`, 400.
    InvalidParameter,
    /// `InvalidRequestException`, 400.
    InvalidRequest,
    /// `ThrottlingException`, 429.
    Throttling,
    /// `InternalServiceException`, 500.
    InternalService,
    /// `LimitExceededException`, 429.
    LimitExceeded,
    /// `AccessDeniedException`, 403.
    AccessDenied,
    /// `ResourceConflictException`, 409.
    ResourceConflict,
}

impl ErrorCode {
    /// The code as it appears in `x-amzn-ErrorType`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::DuplicateResource => "DuplicateResourceException",
            Self::InvalidParameter => "InvalidParameterException",
            Self::InvalidRequest => "InvalidRequestException",
            Self::Throttling => "ThrottlingException",
            Self::InternalService => "InternalServiceException",
            Self::LimitExceeded => "LimitExceededException",
            Self::AccessDenied => "AccessDeniedException",
            Self::ResourceConflict => "ResourceConflictException",
        }
    }

    /// The HTTP status Connect answers with this code.
    pub fn status(self) -> u16 {
        match self {
            Self::ResourceNotFound => 404,
            Self::DuplicateResource | Self::ResourceConflict => 409,
            Self::InvalidParameter | Self::InvalidRequest => 400,
            Self::Throttling | Self::LimitExceeded => 429,
            Self::InternalService => 500,
            Self::AccessDenied => 403,
        }
    }

    /// The message used when a fault is injected without one.
    pub(crate) fn default_message(self) -> &'static str {
        match self {
            Self::ResourceNotFound => "The specified resource was not found.",
            Self::DuplicateResource => "A resource with the specified name already exists.",
            Self::InvalidParameter => "One or more of the specified parameters are not valid.",
            Self::InvalidRequest => "The request is not valid.",
            Self::Throttling => "Rate exceeded",
            Self::InternalService => "Request processing failed because of an error or failure with the service.",
            Self::LimitExceeded => "The allowed limit for the resource has been exceeded.",
            Self::AccessDenied => "You do not have sufficient permissions to perform this action.",
            Self::ResourceConflict => "A resource already has that name.",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error answer: a code and its message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFound, message)
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// One `InvalidParameterException` listing every problem found, or `Ok` when there is none.
    pub fn from_problems(problems: Vec<String>) -> Result<(), Self> {
        if problems.is_empty() { Ok(()) } else { Err(Self::invalid_parameter(problems.join("; "))) }
    }
}
