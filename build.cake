// Cake entry points for people who like one command per workflow. Everything here is a thin wrapper around
// plain MSBuild / dotnet commands: `dotnet build` and `dotnet test` work without cake.
var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");

Task("Build").Does(() =>
{
    DotNetBuild("VisionCuda.sln", new DotNetBuildSettings { Configuration = configuration });
});

Task("Test").IsDependentOn("Build").Does(() =>
{
    DotNetTest("VisionCuda.sln", new DotNetTestSettings { Configuration = configuration, NoBuild = true });
});

Task("Bench").IsDependentOn("Build").Does(() =>
{
    DotNetRun("benchmarks/VisionCuda.Benchmarks/VisionCuda.Benchmarks.csproj",
        new ProcessArgumentBuilder().Append("--filter").Append("*"),
        new DotNetRunSettings { Configuration = "Release" });
});

RunTarget(target);
