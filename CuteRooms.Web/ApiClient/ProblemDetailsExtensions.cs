using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace CuteRooms.Web.ApiClient;

public static class ProblemDetailsExtensions
{
    /// <summary>
    /// The per-field messages of a validation problem (<c>errors</c>), keyed by the Api's field
    /// name, case-insensitively. Arrives as JSON because the client reads plain problem details.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> FieldErrors(this ProblemDetails? problem)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (problem?.Extensions.TryGetValue("errors", out var value) == true
            && value is JsonElement { ValueKind: JsonValueKind.Object } element)
        {
            foreach (var field in element.EnumerateObject())
            {
                errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                    ? [.. field.Value.EnumerateArray().Select(message => message.ToString())]
                    : [field.Value.ToString()];
            }
        }
        return errors;
    }

    /// <summary>A sentence for the user: the problem's detail, else its title.</summary>
    public static string Describe(this ProblemDetails? problem) =>
        problem?.Detail ?? problem?.Title ?? "Something went wrong; please try again.";
}
