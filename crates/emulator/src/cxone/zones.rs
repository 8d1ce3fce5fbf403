//! The Windows time zones the emulator knows: the table behind `GET /timezones`
//! (`displayName`, `standardName`, `offset`, "derived from Windows
//! TimeZoneInfo.GetSystemTimeZones", S2) and the default zones enabled for the business
//! unit (the US ones). `offset` is the base UTC offset written like a .NET `TimeSpan`
//! (`-05:00:00`); the real format is not published.

/// One Windows zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowsZone {
    pub standard_name: &'static str,
    pub display_name: &'static str,
    /// Base UTC offset, `±HH:MM:SS`.
    pub offset: &'static str,
}

const fn z(
    standard_name: &'static str,
    display_name: &'static str,
    offset: &'static str,
) -> WindowsZone {
    WindowsZone {
        standard_name,
        display_name,
        offset,
    }
}

/// Every zone `GET /timezones` lists, west to east.
#[rustfmt::skip]
pub const ALL: &[WindowsZone] = &[
    z("Dateline Standard Time", "(UTC-12:00) International Date Line West", "-12:00:00"),
    z("UTC-11", "(UTC-11:00) Coordinated Universal Time-11", "-11:00:00"),
    z("Aleutian Standard Time", "(UTC-10:00) Aleutian Islands", "-10:00:00"),
    z("Hawaiian Standard Time", "(UTC-10:00) Hawaii", "-10:00:00"),
    z("Alaskan Standard Time", "(UTC-09:00) Alaska", "-09:00:00"),
    z("Pacific Standard Time (Mexico)", "(UTC-08:00) Baja California", "-08:00:00"),
    z("Pacific Standard Time", "(UTC-08:00) Pacific Time (US & Canada)", "-08:00:00"),
    z("US Mountain Standard Time", "(UTC-07:00) Arizona", "-07:00:00"),
    z("Mountain Standard Time (Mexico)", "(UTC-07:00) La Paz, Mazatlan", "-07:00:00"),
    z("Mountain Standard Time", "(UTC-07:00) Mountain Time (US & Canada)", "-07:00:00"),
    z("Central America Standard Time", "(UTC-06:00) Central America", "-06:00:00"),
    z("Central Standard Time", "(UTC-06:00) Central Time (US & Canada)", "-06:00:00"),
    z("Central Standard Time (Mexico)", "(UTC-06:00) Guadalajara, Mexico City, Monterrey", "-06:00:00"),
    z("Canada Central Standard Time", "(UTC-06:00) Saskatchewan", "-06:00:00"),
    z("SA Pacific Standard Time", "(UTC-05:00) Bogota, Lima, Quito, Rio Branco", "-05:00:00"),
    z("Eastern Standard Time (Mexico)", "(UTC-05:00) Chetumal", "-05:00:00"),
    z("Eastern Standard Time", "(UTC-05:00) Eastern Time (US & Canada)", "-05:00:00"),
    z("Haiti Standard Time", "(UTC-05:00) Haiti", "-05:00:00"),
    z("Cuba Standard Time", "(UTC-05:00) Havana", "-05:00:00"),
    z("US Eastern Standard Time", "(UTC-05:00) Indiana (East)", "-05:00:00"),
    z("Turks And Caicos Standard Time", "(UTC-05:00) Turks and Caicos", "-05:00:00"),
    z("Paraguay Standard Time", "(UTC-04:00) Asuncion", "-04:00:00"),
    z("Atlantic Standard Time", "(UTC-04:00) Atlantic Time (Canada)", "-04:00:00"),
    z("Venezuela Standard Time", "(UTC-04:00) Caracas", "-04:00:00"),
    z("Central Brazilian Standard Time", "(UTC-04:00) Cuiaba", "-04:00:00"),
    z("SA Western Standard Time", "(UTC-04:00) Georgetown, La Paz, Manaus, San Juan", "-04:00:00"),
    z("Pacific SA Standard Time", "(UTC-04:00) Santiago", "-04:00:00"),
    z("Newfoundland Standard Time", "(UTC-03:30) Newfoundland", "-03:30:00"),
    z("E. South America Standard Time", "(UTC-03:00) Brasilia", "-03:00:00"),
    z("Argentina Standard Time", "(UTC-03:00) City of Buenos Aires", "-03:00:00"),
    z("UTC", "(UTC) Coordinated Universal Time", "00:00:00"),
    z("GMT Standard Time", "(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "00:00:00"),
    z("W. Europe Standard Time", "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "01:00:00"),
    z("Romance Standard Time", "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris", "01:00:00"),
    z("Central European Standard Time", "(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb", "01:00:00"),
    z("GTB Standard Time", "(UTC+02:00) Athens, Bucharest", "02:00:00"),
    z("South Africa Standard Time", "(UTC+02:00) Harare, Pretoria", "02:00:00"),
    z("Israel Standard Time", "(UTC+02:00) Jerusalem", "02:00:00"),
    z("Russian Standard Time", "(UTC+03:00) Moscow, St. Petersburg", "03:00:00"),
    z("Arabian Standard Time", "(UTC+04:00) Abu Dhabi, Muscat", "04:00:00"),
    z("India Standard Time", "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "05:30:00"),
    z("China Standard Time", "(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi", "08:00:00"),
    z("Singapore Standard Time", "(UTC+08:00) Kuala Lumpur, Singapore", "08:00:00"),
    z("Tokyo Standard Time", "(UTC+09:00) Osaka, Sapporo, Tokyo", "09:00:00"),
    z("AUS Eastern Standard Time", "(UTC+10:00) Canberra, Melbourne, Sydney", "10:00:00"),
    z("West Pacific Standard Time", "(UTC+10:00) Guam, Port Moresby", "10:00:00"),
    z("New Zealand Standard Time", "(UTC+12:00) Auckland, Wellington", "12:00:00"),
    z("UTC+12", "(UTC+12:00) Coordinated Universal Time+12", "12:00:00"),
    z("Samoa Standard Time", "(UTC+13:00) Samoa", "13:00:00"),
];

/// The zones enabled for the business unit by default: the US ones (incl. Puerto Rico
/// under "SA Western", Guam under "West Pacific", American Samoa under "UTC-11").
pub const US_ZONES: &[&str] = &[
    "Eastern Standard Time",
    "Central Standard Time",
    "Mountain Standard Time",
    "US Mountain Standard Time",
    "Pacific Standard Time",
    "Alaskan Standard Time",
    "Hawaiian Standard Time",
    "Aleutian Standard Time",
    "SA Western Standard Time",
    "West Pacific Standard Time",
    "UTC-11",
    "US Eastern Standard Time",
];

/// The zone with this standard name (exact, as CXone compares names).
pub fn find(standard_name: &str) -> Option<&'static WindowsZone> {
    ALL.iter().find(|z| z.standard_name == standard_name)
}
